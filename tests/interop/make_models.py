#!/usr/bin/env python3
"""Writes the ONNX models tests/interop uses, with python3-onnx's helper API (Debian's python3-onnx).

resnet50.onnx: ResNet-50 v1 in the bundled CSV's layout (examples/networks/resnet50.csv: the
stride of a stage's first block on its first 1x1 conv, shortcut convs after the block's third),
NCHW 1x3x224x224, every conv with a bias, ReLU / Add / MaxPool / GlobalAveragePool / Flatten
between them, a Gemm classifier. Weights are graph inputs with fixed shapes (not initializers)
so that the file stays small; shape inference sees the same shapes.

small_qcnn.onnx: a small quantized CNN with real initializers: QLinearConv (uint8 activations,
int8 weights, int32 bias), a depthwise QLinearConv (group = C), a QDQ-wrapped Conv and a
QLinearMatMul classifier.

conv1d.onnx: 1-D convolutions (X [N, C, W]): a Conv with stride 2, asymmetric pads and
integer-valued weights, then a grouped, dilated Conv; and an opset-6 Gemm with `broadcast`.
fsrcnn.onnx: FSRCNN(56, 12, 4) on a 540x960 image as the bundled fsrcnn CSV lists it, its last
layer a ConvTranspose 9x9 stride 2 (pads 4, output_padding 1: 1080x1920), weights as graph
inputs. bad_deconv_group.onnx, bad_deconv_strides.onnx: a ConvTranspose whose group (3) does not
divide its 4 channels, and one whose sub-pixel conv would have 2e10 output channels, which the
import refuses in one line.
qdq_initializers.onnx, qdq_constants.onnx: one QDQ conv (per-channel weight scales, an int32
bias), its weights, scales, zero points and bias as initializers in the first and as Constant
nodes (`value` tensors and `value_float`) in the second, as some exporters write them.
symbolic_batch.onnx, symbolic_height.onnx: a conv and a Gemm whose input's batch is
'batch_size' (as exporters write it), and one whose height is symbolic too.
flatten_dynamic.onnx: PyTorch's x.view(x.size(0), -1) before a Gemm (Shape -> Gather -> Unsqueeze
-> Concat -> Reshape), a batch 'N'; shape inference leaves the Gemm's input unknown.
conv_fp16.onnx: a float16 conv (weights and bias float16): its layer imports, its tensors are
left to the seed.
bad_deconv_scalar_w.onnx, bad_matmul_scalar_b.onnx, bad_deconv_computed_w.onnx: a ConvTranspose
whose W is a scalar Constant node, or a 1-D shape computed in the graph (libonnx's shape inference
crashes on both), and a MatMul with a scalar B (found by mutating these models).
bad_conv_ranks.onnx, bad_conv1d_strides.onnx: invalid 1-D convs (a 3-D X with a 4-D W, which
crashes libonnx's shape inference; two strides), for the import's one-line errors.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out_dir = sys.argv[1]


def resnet50():
    nodes, inputs = [], [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 224, 224])]

    def conv(name, x, c, k, r, stride, pad):
        w, b = name + "_w", name + "_b"
        inputs.append(helper.make_tensor_value_info(w, TensorProto.FLOAT, [k, c, r, r]))
        inputs.append(helper.make_tensor_value_info(b, TensorProto.FLOAT, [k]))
        nodes.append(helper.make_node("Conv", [x, w, b], [name], name=name, kernel_shape=[r, r],
                                      strides=[stride, stride], pads=[pad] * 4))
        return name

    def relu(x):
        nodes.append(helper.make_node("Relu", [x], [x + "_relu"]))
        return x + "_relu"

    x = relu(conv("Conv1", "image", 3, 64, 7, 2, 3))
    nodes.append(helper.make_node("MaxPool", [x], ["pool1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4))
    x, c = "pool1", 64
    for stage, (blocks, width) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)], start=2):
        for b in range(blocks):
            letter = "abcdef"[b]
            kind = "CB" if b == 0 else "IB"
            stride = 2 if b == 0 and stage > 2 else 1
            prefix = f"{kind}{stage}{letter}"
            y = relu(conv(prefix + "_1", x, c, width, 1, stride, 0))
            y = relu(conv(prefix + "_2", y, width, width, 3, 1, 1))
            y = conv(prefix + "_3", y, width, 4 * width, 1, 1, 0)
            short = conv(f"CB{stage}s", x, c, 4 * width, 1, stride, 0) if b == 0 else x
            nodes.append(helper.make_node("Add", [y, short], [prefix + "_add"]))
            x, c = relu(prefix + "_add"), 4 * width
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"]))
    inputs.append(helper.make_tensor_value_info("fc_w", TensorProto.FLOAT, [1000, 2048]))
    inputs.append(helper.make_tensor_value_info("fc_b", TensorProto.FLOAT, [1000]))
    nodes.append(helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["FC6"], name="FC6", transB=1))
    graph = helper.make_graph(nodes, "resnet50", inputs,
                              [helper.make_tensor_value_info("FC6", TensorProto.FLOAT, [1, 1000])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def small_qcnn():
    rng = np.random.default_rng(7)
    init, nodes = [], []

    def const(name, array):
        init.append(numpy_helper.from_array(array, name))
        return name

    def qconv(name, x, c, k, group, x_scale, x_zp, y_scale, y_zp):
        w = rng.integers(-128, 128, size=(k, c // group, 3, 3), dtype=np.int8)
        b = rng.integers(-2000, 2000, size=(k,), dtype=np.int32)
        args = [x, const(name + "_xs", np.array(x_scale, np.float32)), const(name + "_xz", np.array(x_zp, np.uint8)),
                const(name + "_w", w), const(name + "_ws", np.array(0.02, np.float32)),
                const(name + "_wz", np.array(0, np.int8)), const(name + "_ys", np.array(y_scale, np.float32)),
                const(name + "_yz", np.array(y_zp, np.uint8)), const(name + "_b", b)]
        nodes.append(helper.make_node("QLinearConv", args, [name], name=name, pads=[1, 1, 1, 1], group=group))
        return name

    x = qconv("qconv1", "input", 3, 8, 1, 0.05, 128, 0.4, 100)
    x = qconv("qdw2", x, 8, 8, 8, 0.4, 100, 0.3, 90)
    # QDQ-wrapped conv: DequantizeLinear on activation and weight, QuantizeLinear after.
    nodes.append(helper.make_node("DequantizeLinear", [x, const("dq_s", np.array(0.3, np.float32)),
                                                       const("dq_z", np.array(90, np.uint8))], ["x_f"]))
    wq = rng.integers(-128, 128, size=(4, 8, 1, 1), dtype=np.int8)
    nodes.append(helper.make_node("DequantizeLinear", [const("qdq_w", wq), const("dqw_s", np.array(0.01, np.float32)),
                                                       const("dqw_z", np.array(0, np.int8))], ["w_f"]))
    nodes.append(helper.make_node("Conv", ["x_f", "w_f"], ["conv3_f"], name="qdq_conv3"))
    nodes.append(helper.make_node("QuantizeLinear", ["conv3_f", const("q_s", np.array(0.25, np.float32)),
                                                     const("q_z", np.array(128, np.uint8))], ["conv3_q"]))
    nodes.append(helper.make_node("Reshape", ["conv3_q", const("shape", np.array([1, 4 * 8 * 8], np.int64))], ["flat"]))
    wm = rng.integers(0, 256, size=(256, 10), dtype=np.uint8)
    args = ["flat", const("m_as", np.array(0.25, np.float32)), const("m_az", np.array(128, np.uint8)),
            const("m_b", wm), const("m_bs", np.array(0.005, np.float32)), const("m_bz", np.array(127, np.uint8)),
            const("m_ys", np.array(0.5, np.float32)), const("m_yz", np.array(64, np.uint8))]
    nodes.append(helper.make_node("QLinearMatMul", args, ["logits"], name="qmatmul4"))
    graph = helper.make_graph(nodes, "small_qcnn",
                              [helper.make_tensor_value_info("input", TensorProto.UINT8, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.UINT8, [1, 10])], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def conv1d():
    rng = np.random.default_rng(5)
    w1 = numpy_helper.from_array(rng.integers(-3, 4, (6, 4, 3)).astype(np.float32), "w1")
    w2 = numpy_helper.from_array(rng.integers(-3, 4, (6, 3, 5)).astype(np.float32), "w2")
    nodes = [helper.make_node("Conv", ["x", "w1"], ["a"], name="c1", kernel_shape=[3], strides=[2], pads=[1, 2]),
             helper.make_node("Conv", ["a", "w2"], ["y"], name="c2", group=2, dilations=[2], pads=[4, 4])]
    graph = helper.make_graph(nodes, "conv1d", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 20])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6, 11])], [w1, w2])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def gemm_broadcast():
    # Opset 6's Gemm: C broadcast along the rows with the `broadcast` attribute.
    b = numpy_helper.from_array(np.ones((8, 10), np.float32), "b")
    c = numpy_helper.from_array(np.arange(10, dtype=np.float32), "c")
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="fc", broadcast=1)
    graph = helper.make_graph([node], "gemm6", [helper.make_tensor_value_info("a", TensorProto.FLOAT, [3, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 10])], [b, c])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)])


def gemm_scaled(name, alpha, beta):
    # PyTorch's mm as older exporters wrote it: beta = 0 drops C; any other scale is refused.
    b = numpy_helper.from_array(np.ones((8, 10), np.float32), "b")
    c = numpy_helper.from_array(np.zeros((1,), np.float32), "c")
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="mm", alpha=alpha, beta=beta)
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("a", TensorProto.FLOAT, [3, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 10])], [b, c])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def fsrcnn():
    nodes, inputs = [], [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 540, 960])]

    def weights(name, shape):
        inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        return name

    def conv(name, x, c, k, r):
        nodes.append(helper.make_node("Conv", [x, weights(name + "_w", [k, c, r, r]), weights(name + "_b", [k])],
                                      [name], name=name, pads=[r // 2] * 4))
        nodes.append(helper.make_node("PRelu", [name, weights(name + "_slope", [k, 1, 1])], [name + "_act"]))
        return name + "_act"

    x = conv("feature", "image", 1, 56, 5)
    x = conv("shrink", x, 56, 12, 1)
    for m in range(1, 5):
        x = conv(f"map{m}", x, 12, 12, 3)
    x = conv("expand", x, 12, 56, 1)
    nodes.append(helper.make_node("ConvTranspose", [x, weights("deconv_w", [56, 1, 9, 9]), weights("deconv_b", [1])],
                                  ["deconv"], name="deconv", strides=[2, 2], pads=[4] * 4, output_padding=[1, 1]))
    graph = helper.make_graph(nodes, "fsrcnn", inputs,
                              [helper.make_tensor_value_info("deconv", TensorProto.FLOAT, [1, 1, 1080, 1920])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def qdq_conv(as_constants):
    rng = np.random.default_rng(8)
    values = {"xs": np.float32(0.1), "xz": np.uint8(120), "w": rng.integers(-128, 128, (6, 4, 3, 3)).astype(np.int8),
              "ws": rng.uniform(0.01, 0.05, 6).astype(np.float32), "wz": np.zeros(6, np.int8),
              "b": rng.integers(-500, 500, 6).astype(np.int32), "ys": np.float32(0.4), "yz": np.uint8(128)}
    values["bs"] = (values["xs"] * values["ws"]).astype(np.float32)
    values["bz"] = np.zeros(6, np.int32)
    nodes, init = [], []
    for name, v in values.items():
        if not as_constants:
            init.append(numpy_helper.from_array(v, name))
        elif name in ("xs", "ys"):
            nodes.append(helper.make_node("Constant", [], [name], value_float=float(v)))
        else:
            nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(v, name + "_t")))
    nodes += [helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["xf"]),
              helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wf"], axis=0),
              helper.make_node("DequantizeLinear", ["b", "bs", "bz"], ["bf"], axis=0),
              helper.make_node("Conv", ["xf", "wf", "bf"], ["yf"], name="qconv", pads=[1] * 4),
              helper.make_node("QuantizeLinear", ["yf", "ys", "yz"], ["y"])]
    graph = helper.make_graph(nodes, "qdq", [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 4, 7, 7])],
                              [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 6, 7, 7])], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def symbolic(name, height):
    w = numpy_helper.from_array(np.ones((8, 3, 3, 3), np.float32), "w")
    fc = numpy_helper.from_array(np.ones((10, 8 * 16 * 16), np.float32), "fc")
    nodes = [helper.make_node("Conv", ["x", "w"], ["a"], name="conv", pads=[1] * 4),
             helper.make_node("Flatten", ["a"], ["f"]),
             helper.make_node("Gemm", ["f", "fc"], ["y"], name="fc", transB=1)]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                          ["batch_size", 3, height, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch_size", 10])], [w, fc])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def flatten_dynamic():
    init = [numpy_helper.from_array(np.ones((8, 3, 3, 3), np.float32), "w"),
            numpy_helper.from_array(np.ones((10, 8 * 4 * 4), np.float32), "fc"),
            numpy_helper.from_array(np.array(0, np.int64), "zero"),
            numpy_helper.from_array(np.array([-1], np.int64), "minus1")]
    nodes = [helper.make_node("Conv", ["x", "w"], ["a"], name="conv", pads=[1] * 4),
             helper.make_node("Shape", ["a"], ["s"]),
             helper.make_node("Gather", ["s", "zero"], ["b0"], axis=0),
             helper.make_node("Unsqueeze", ["b0"], ["b1"], axes=[0]),
             helper.make_node("Concat", ["b1", "minus1"], ["shape"], axis=0),
             helper.make_node("Reshape", ["a", "shape"], ["f"]),
             helper.make_node("Gemm", ["f", "fc"], ["y"], name="fc", transB=1)]
    graph = helper.make_graph(nodes, "flatten_dynamic",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])


def conv_fp16():
    init = [numpy_helper.from_array(np.ones((8, 3, 3, 3), np.float16), "w"),
            numpy_helper.from_array(np.ones((8,), np.float16), "b")]
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv", pads=[1] * 4)
    graph = helper.make_graph([node], "conv_fp16", [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [1, 8, 8, 8])], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def bad_deconv(name, w_shape, **attributes):
    w = numpy_helper.from_array(np.ones(w_shape, np.float32), "w")
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up", **attributes)
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 5, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def bad_conv(name, w_shape, **attributes):
    w = numpy_helper.from_array(np.ones(w_shape, np.float32), "w")
    node = helper.make_node("Conv", ["x", "w"], ["y"], name=name, **attributes)
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 20])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


onnx.save(bad_conv("bad_conv_ranks", (6, 4, 3, 3)), f"{out_dir}/bad_conv_ranks.onnx")
onnx.save(bad_conv("bad_conv1d_strides", (6, 4, 3), strides=[2, 2]), f"{out_dir}/bad_conv1d_strides.onnx")
def bad_scalar(name, op):
    nodes = [helper.make_node("Constant", [], ["s"], value_float=0.5),
             helper.make_node(op, ["x", "s"], ["y"], name=name)]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 5, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def bad_computed_w():
    init = [numpy_helper.from_array(np.array([-1], np.int64), "minus1")]
    nodes = [helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("Concat", ["s", "minus1"], ["shape"], axis=0),
             helper.make_node("ConvTranspose", ["x", "shape"], ["y"], name="deconv_computed_w")]
    graph = helper.make_graph(nodes, "bad_computed_w", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 5, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


onnx.save(bad_computed_w(), f"{out_dir}/bad_deconv_computed_w.onnx")
onnx.save(bad_scalar("deconv_scalar_w", "ConvTranspose"), f"{out_dir}/bad_deconv_scalar_w.onnx")
onnx.save(bad_scalar("matmul_scalar_b", "MatMul"), f"{out_dir}/bad_matmul_scalar_b.onnx")
onnx.save(bad_deconv("bad_deconv_group", (4, 1, 3, 3), group=3, strides=[2, 2]), f"{out_dir}/bad_deconv_group.onnx")
onnx.save(bad_deconv("bad_deconv_strides", (4, 2, 3, 3), strides=[100000, 100000]),
          f"{out_dir}/bad_deconv_strides.onnx")
for name, model in [("resnet50", resnet50()), ("small_qcnn", small_qcnn()), ("conv1d", conv1d()),
                    ("gemm_broadcast", gemm_broadcast()), ("gemm_beta0", gemm_scaled("gemm_beta0", 1.0, 0.0)),
                    ("bad_gemm_alpha", gemm_scaled("bad_gemm_alpha", 0.5, 1.0)), ("fsrcnn", fsrcnn()),
                    ("qdq_initializers", qdq_conv(False)), ("qdq_constants", qdq_conv(True)),
                    ("symbolic_batch", symbolic("symbolic_batch", 16)),
                    ("symbolic_height", symbolic("symbolic_height", "height")),
                    ("flatten_dynamic", flatten_dynamic()), ("conv_fp16", conv_fp16())]:
    onnx.checker.check_model(model)
    onnx.save(model, f"{out_dir}/{name}.onnx")
