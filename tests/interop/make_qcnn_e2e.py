#!/usr/bin/env python3
"""The end-to-end ONNX test's data: a small quantized CNN (python3-onnx's helper API) with real
int8 weights, int32 biases and per-tensor and per-channel quantization parameters, one input per
layer, and each layer's expected output computed here with numpy from ONNX's definitions
(QLinearConv / QLinearMatMul; QDQ: DequantizeLinear -> Conv -> QuantizeLinear).

  make_qcnn_e2e.py OUT_DIR          writes OUT_DIR/qcnn.onnx, OUT_DIR/inputs/<layer>/input.npy,
                                    OUT_DIR/expected/<layer>.npy
  make_qcnn_e2e.py --bad OUT_DIR    writes models the importer must refuse in one line:
                                    bad_wzp.onnx (3 weight zero points for 4 output channels),
                                    bad_axis.onnx (QDQ per-channel scales along the input channels),
                                    bad_bias.onnx (a QDQ conv with a float bias)
  make_qcnn_e2e.py --check OUT_DIR RUN_DIR
                                    compares RUN_DIR/<layer>/output.npy (tessera simulate --save)
                                    with the expected outputs; exit 1 on any difference

Layers (each runs on its own input; `simulate` runs a design layer by layer):
  qconv1     QLinearConv 3->8, 3x3 pad 1, uint8 x, int8 w with a scale per output channel, bias
  qconv2     QLinearConv 8->8, 3x3 stride 2 pad 1, int8 x and y, per-tensor scales, bias
  qdq_conv3  DequantizeLinear(x), DequantizeLinear(int8 w, per-channel scales, axis 0) and
             DequantizeLinear(int32 bias) -> Conv 1x1 8->4 -> QuantizeLinear
  qmatmul4   QLinearMatMul 64x10, uint8 B with a scale per column (output channel), no bias
  qdq_deconv5  QDQ ConvTranspose 4->3, 3x3 stride 2, pads 1, output_padding 1 (9x9 -> 18x18),
             int8 w [C, K, R, S] with scales and zero points per output channel (axis 1), bias
  qdq_deconv6  QDQ ConvTranspose 3->2, 4x4 stride 2 pads 1 (the U-Net / DCGAN upsampler), int8 x,
             per-tensor; its expected output is compared with output_onnx.npy (the node's layout)
  qdq_deconv7  a grouped QDQ ConvTranspose (group 2, 4 -> 6 channels), 3x3 stride 2, output_padding 1,
             per-channel scales and zero points along W's axis 1 (K/group = 3 values, each group repeats them), bias
Tensors are stored as int8 bytes in the .npy files (uint8 values as their bytes), NCHW / (N, K).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LAYERS = ["qconv1", "qconv2", "qdq_conv3", "qmatmul4", "qdq_deconv5", "qdq_deconv6", "qdq_deconv7"]
# ConvTranspose layers run as their sub-pixel convs; simulate --onnx --save writes the node's
# own layout as output_onnx.npy.
NODE_LAYOUT = {"qdq_deconv5", "qdq_deconv6", "qdq_deconv7"}


def requant(acc, scale, y_zp, y_dtype, axis_k):
    """y = saturate(rint(acc * scale) + y_zp): scale in float32 (as ONNX's reference), the
    product in float64 (exact here), ties to even (numpy's rint)."""
    scale = np.asarray(scale, np.float32).astype(np.float64)
    if scale.ndim == 1:
        shape = [1] * acc.ndim
        shape[axis_k] = -1
        scale = scale.reshape(shape)
    y = np.rint(acc.astype(np.float64) * scale) + y_zp
    info = np.iinfo(y_dtype)
    return np.clip(y, info.min, info.max).astype(y_dtype)


def conv_int(x, w, stride, pad):
    """Integer conv, NCHW x (zero point already taken off, padding 0), w [K, C, R, S]."""
    n, c, h, wd = x.shape
    k, _, r, s = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - r) // stride + 1, (wd + 2 * pad - s) // stride + 1
    out = np.zeros((n, k, oh, ow), np.int64)
    for i in range(r):
        for j in range(s):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,kc->nkhw", patch, w[:, :, i, j])
    return out


def conv_transpose_int(x, w, stride, pads, output_padding, group=1):
    """ONNX ConvTranspose on integers, straight from its definition: x [N, C, H, W], w [C, K/group, R, S];
    Y[n, g*K/group + k, i*s + r - pad_top, j*s + q - pad_left] += x[n, c, i, j] * w[c, k, r, q] for the
    inputs c of group g."""
    n, c, h, wd = x.shape
    _, kg, r, s = w.shape
    cg = c // group
    full_h = stride * (h - 1) + output_padding + r
    full_w = stride * (wd - 1) + output_padding + s
    full = np.zeros((n, kg * group, full_h, full_w), np.int64)
    for g in range(group):
        for i in range(h):
            for j in range(wd):
                full[:, g * kg:(g + 1) * kg, i * stride:i * stride + r, j * stride:j * stride + s] += \
                    np.einsum("nc,ckrs->nkrs", x[:, g * cg:(g + 1) * cg, i, j], w[g * cg:(g + 1) * cg])
    top, left, bottom, right = pads
    return full[:, :, top:full_h - bottom, left:full_w - right]


def build(out_dir):
    rng = np.random.default_rng(14)
    init, nodes, expected, inputs = [], [], {}, {}

    def const(name, array):
        init.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def f32(v):
        return np.asarray(v, np.float32)

    # qconv1: uint8 x, int8 w, per-channel w_scale, uint8 y.
    x1 = rng.integers(0, 256, size=(1, 3, 9, 9), dtype=np.uint8)
    w1 = rng.integers(-128, 128, size=(8, 3, 3, 3), dtype=np.int8)
    b1 = rng.integers(-3000, 3000, size=(8,), dtype=np.int32)
    ws1 = f32(rng.uniform(0.002, 0.05, size=8))
    args = ["x1", const("xs1", f32(0.05)), const("xz1", np.uint8(120)), const("w1", w1), const("ws1", ws1),
            const("wz1", np.zeros(8, np.int8)), const("ys1", f32(0.3)), const("yz1", np.uint8(100)), const("b1", b1)]
    nodes.append(helper.make_node("QLinearConv", args, ["y1"], name="qconv1", pads=[1] * 4))
    acc = conv_int(x1.astype(np.int64) - 120, w1.astype(np.int64), 1, 1) + b1.reshape(1, -1, 1, 1)
    expected["qconv1"] = requant(acc, f32(0.05) * ws1 / f32(0.3), 100, np.uint8, 1)
    inputs["qconv1"] = x1

    # qconv2: int8 x and y, per-tensor, stride 2.
    x2 = rng.integers(-128, 128, size=(1, 8, 9, 9), dtype=np.int8)
    w2 = rng.integers(-128, 128, size=(8, 8, 3, 3), dtype=np.int8)
    b2 = rng.integers(-5000, 5000, size=(8,), dtype=np.int32)
    args = ["x2", const("xs2", f32(0.1)), const("xz2", np.int8(-3)), const("w2", w2), const("ws2", f32(0.01)),
            const("wz2", np.int8(0)), const("ys2", f32(0.7)), const("yz2", np.int8(5)), const("b2", b2)]
    nodes.append(helper.make_node("QLinearConv", args, ["y2"], name="qconv2", pads=[1] * 4, strides=[2, 2]))
    acc = conv_int(x2.astype(np.int64) + 3, w2.astype(np.int64), 2, 1) + b2.reshape(1, -1, 1, 1)
    expected["qconv2"] = requant(acc, f32(0.1) * f32(0.01) / f32(0.7), 5, np.int8, 1)
    inputs["qconv2"] = x2

    # qdq_conv3: QDQ, per-channel weight scales and zero points along axis 0, int32 bias with
    # scale x_s * w_s.
    x3 = rng.integers(0, 256, size=(1, 8, 5, 5), dtype=np.uint8)
    w3 = rng.integers(-128, 128, size=(4, 8, 1, 1), dtype=np.int8)
    ws3 = f32(rng.uniform(0.005, 0.02, size=4))
    wz3 = np.array([3, -5, 0, 7], np.int8)
    b3 = rng.integers(-2000, 2000, size=(4,), dtype=np.int32)
    xs3 = f32(0.2)
    nodes.append(helper.make_node("DequantizeLinear", ["x3", const("xs3", xs3), const("xz3", np.uint8(90))], ["x3f"]))
    nodes.append(helper.make_node("DequantizeLinear", [const("w3", w3), const("ws3", ws3),
                                                       const("wz3", wz3)], ["w3f"], axis=0))
    nodes.append(helper.make_node("DequantizeLinear", [const("b3", b3), const("bs3", xs3 * ws3),
                                                       const("bz3", np.zeros(4, np.int32))], ["b3f"], axis=0))
    nodes.append(helper.make_node("Conv", ["x3f", "w3f", "b3f"], ["y3f"], name="qdq_conv3"))
    nodes.append(helper.make_node("QuantizeLinear", ["y3f", const("ys3", f32(0.25)), const("yz3", np.uint8(128))], ["y3"]))
    acc = conv_int(x3.astype(np.int64) - 90, w3.astype(np.int64) - wz3.astype(np.int64).reshape(-1, 1, 1, 1), 1, 0) \
        + b3.reshape(1, -1, 1, 1)
    expected["qdq_conv3"] = requant(acc, xs3 * ws3 / f32(0.25), 128, np.uint8, 1)
    inputs["qdq_conv3"] = x3

    # qmatmul4: uint8 A [1, 64] x uint8 B [64, 10], b_scale and b_zero_point per column.
    a4 = rng.integers(0, 256, size=(1, 64), dtype=np.uint8)
    w4 = rng.integers(0, 256, size=(64, 10), dtype=np.uint8)
    bs4 = f32(rng.uniform(0.001, 0.01, size=10))
    bz4 = rng.integers(100, 156, size=10, dtype=np.uint8)
    args = ["a4", const("as4", f32(0.25)), const("az4", np.uint8(128)), const("w4", w4), const("bs4", bs4),
            const("bz4", bz4), const("ys4", f32(0.5)), const("yz4", np.uint8(64))]
    nodes.append(helper.make_node("QLinearMatMul", args, ["y4"], name="qmatmul4"))
    acc = (a4.astype(np.int64) - 128) @ (w4.astype(np.int64) - bz4.astype(np.int64).reshape(1, -1))
    expected["qmatmul4"] = requant(acc, f32(0.25) * bs4 / f32(0.5), 64, np.uint8, 1)
    inputs["qmatmul4"] = a4

    # qdq_deconv5: QDQ ConvTranspose, weights [C, K, R, S] with per-channel scales and zero
    # points along axis 1 (the output channels), an int32 bias.
    x5 = rng.integers(0, 256, size=(1, 4, 9, 9), dtype=np.uint8)
    w5 = rng.integers(-128, 128, size=(4, 3, 3, 3), dtype=np.int8)
    ws5 = f32(rng.uniform(0.005, 0.02, size=3))
    wz5 = np.array([2, -4, 0], np.int8)
    b5 = rng.integers(-3000, 3000, size=(3,), dtype=np.int32)
    xs5 = f32(0.1)
    nodes.append(helper.make_node("DequantizeLinear", ["x5", const("xs5", xs5), const("xz5", np.uint8(100))], ["x5f"]))
    nodes.append(helper.make_node("DequantizeLinear", [const("w5", w5), const("ws5", ws5), const("wz5", wz5)], ["w5f"],
                                  axis=1))
    nodes.append(helper.make_node("DequantizeLinear", [const("b5", b5), const("bs5", xs5 * ws5),
                                                       const("bz5", np.zeros(3, np.int32))], ["b5f"], axis=0))
    nodes.append(helper.make_node("ConvTranspose", ["x5f", "w5f", "b5f"], ["y5f"], name="qdq_deconv5", strides=[2, 2],
                                  pads=[1, 1, 1, 1], output_padding=[1, 1]))
    nodes.append(helper.make_node("QuantizeLinear", ["y5f", const("ys5", f32(0.5)), const("yz5", np.uint8(128))], ["y5"]))
    acc = conv_transpose_int(x5.astype(np.int64) - 100, w5.astype(np.int64) - wz5.astype(np.int64).reshape(1, -1, 1, 1),
                             2, (1, 1, 1, 1), 1) + b5.reshape(1, -1, 1, 1)
    expected["qdq_deconv5"] = requant(acc, xs5 * ws5 / f32(0.5), 128, np.uint8, 1)
    inputs["qdq_deconv5"] = x5

    # qdq_deconv6: QDQ ConvTranspose 4x4 stride 2 pads 1 (each output pixel of a phase reads 2x2
    # taps), int8 x and y, per-tensor, no bias.
    x6 = rng.integers(-128, 128, size=(1, 3, 6, 7), dtype=np.int8)
    w6 = rng.integers(-128, 128, size=(3, 2, 4, 4), dtype=np.int8)
    nodes.append(helper.make_node("DequantizeLinear", ["x6", const("xs6", f32(0.05)), const("xz6", np.int8(3))], ["x6f"]))
    nodes.append(helper.make_node("DequantizeLinear", [const("w6", w6), const("ws6", f32(0.01)), const("wz6", np.int8(0))],
                                  ["w6f"]))
    nodes.append(helper.make_node("ConvTranspose", ["x6f", "w6f"], ["y6f"], name="qdq_deconv6", strides=[2, 2],
                                  pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("QuantizeLinear", ["y6f", const("ys6", f32(0.3)), const("yz6", np.int8(-2))], ["y6"]))
    acc = conv_transpose_int(x6.astype(np.int64) - 3, w6.astype(np.int64), 2, (1, 1, 1, 1), 0)
    expected["qdq_deconv6"] = requant(acc, f32(0.05) * f32(0.01) / f32(0.3), -2, np.int8, 1)
    inputs["qdq_deconv6"] = x6

    # qdq_deconv7: a grouped QDQ ConvTranspose (group 2: 4 -> 6 channels, W [4, 3, 3, 3]), 3x3
    # stride 2, pads 1, output_padding 1, uint8 x; per-channel weight scales and zero points along
    # W's axis 1, which holds K/group = 3 (ONNX's per-axis quantization sizes them by that axis),
    # so output channel g*3 + j takes value j in either group; an int32 bias of 6 with scale
    # x_scale * w_scale per output channel.
    x7 = rng.integers(0, 256, size=(1, 4, 5, 6), dtype=np.uint8)
    w7 = rng.integers(-128, 128, size=(4, 3, 3, 3), dtype=np.int8)
    ws7 = f32(rng.uniform(0.005, 0.03, size=3))
    wz7 = np.array([-6, 0, 9], np.int8)
    b7 = rng.integers(-2000, 2000, size=(6,), dtype=np.int32)
    xs7 = f32(0.08)
    nodes.append(helper.make_node("DequantizeLinear", ["x7", const("xs7", xs7), const("xz7", np.uint8(7))], ["x7f"]))
    nodes.append(helper.make_node("DequantizeLinear", [const("w7", w7), const("ws7", ws7), const("wz7", wz7)], ["w7f"],
                                  axis=1))
    nodes.append(helper.make_node("DequantizeLinear", [const("b7", b7), const("bs7", xs7 * np.tile(ws7, 2)),
                                                       const("bz7", np.zeros(6, np.int32))], ["b7f"], axis=0))
    nodes.append(helper.make_node("ConvTranspose", ["x7f", "w7f", "b7f"], ["y7f"], name="qdq_deconv7", group=2,
                                  strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]))
    nodes.append(helper.make_node("QuantizeLinear", ["y7f", const("ys7", f32(0.4)), const("yz7", np.uint8(120))], ["y7"]))
    acc = conv_transpose_int(x7.astype(np.int64) - 7, w7.astype(np.int64) - wz7.astype(np.int64).reshape(1, -1, 1, 1),
                             2, (1, 1, 1, 1), 1, group=2) + b7.reshape(1, -1, 1, 1)
    expected["qdq_deconv7"] = requant(acc, xs7 * np.tile(ws7, 2) / f32(0.4), 120, np.uint8, 1)
    inputs["qdq_deconv7"] = x7

    graph_inputs = [helper.make_tensor_value_info("x1", TensorProto.UINT8, [1, 3, 9, 9]),
                    helper.make_tensor_value_info("x2", TensorProto.INT8, [1, 8, 9, 9]),
                    helper.make_tensor_value_info("x3", TensorProto.UINT8, [1, 8, 5, 5]),
                    helper.make_tensor_value_info("a4", TensorProto.UINT8, [1, 64]),
                    helper.make_tensor_value_info("x5", TensorProto.UINT8, [1, 4, 9, 9]),
                    helper.make_tensor_value_info("x6", TensorProto.INT8, [1, 3, 6, 7]),
                    helper.make_tensor_value_info("x7", TensorProto.UINT8, [1, 4, 5, 6])]
    outputs = [helper.make_tensor_value_info("y1", TensorProto.UINT8, [1, 8, 9, 9]),
               helper.make_tensor_value_info("y2", TensorProto.INT8, [1, 8, 5, 5]),
               helper.make_tensor_value_info("y3", TensorProto.UINT8, [1, 4, 5, 5]),
               helper.make_tensor_value_info("y4", TensorProto.UINT8, [1, 10]),
               helper.make_tensor_value_info("y5", TensorProto.UINT8, [1, 3, 18, 18]),
               helper.make_tensor_value_info("y6", TensorProto.INT8, [1, 2, 12, 14]),
               helper.make_tensor_value_info("y7", TensorProto.UINT8, [1, 6, 10, 12])]
    graph = helper.make_graph(nodes, "qcnn_e2e", graph_inputs, outputs, init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "qcnn.onnx"))
    for name in LAYERS:
        os.makedirs(os.path.join(out_dir, "inputs", name), exist_ok=True)
        os.makedirs(os.path.join(out_dir, "expected"), exist_ok=True)
        np.save(os.path.join(out_dir, "inputs", name, "input.npy"), inputs[name].view(np.int8))
        np.save(os.path.join(out_dir, "expected", name + ".npy"), expected[name].view(np.int8))


def check(out_dir, run_dir):
    bad = 0
    for name in LAYERS:
        want = np.load(os.path.join(out_dir, "expected", name + ".npy"))
        got = np.load(os.path.join(run_dir, name, "output_onnx.npy" if name in NODE_LAYOUT else "output.npy"))
        if got.shape != want.shape or not np.array_equal(got, want):
            diff = "shape %s vs %s" % (got.shape, want.shape) if got.shape != want.shape else \
                "%d of %d elements differ" % (int(np.sum(got != want)), want.size)
            print("FAIL %s: %s" % (name, diff))
            bad += 1
        else:
            print("ok %s: %d elements equal ONNX's definition" % (name, want.size))
    return 1 if bad else 0


def bad_models(out_dir):
    os.makedirs(out_dir, exist_ok=True)

    def save(name, nodes, init, x_type=TensorProto.UINT8):
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", x_type, [1, 4, 5, 5])],
                                  [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 4, 5, 5])], init)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        onnx.save(model, os.path.join(out_dir, name + ".onnx"))

    t = numpy_helper.from_array
    w = np.ones((4, 4, 1, 1), np.int8)
    # QLinearConv with w_zero_point [0, 1, 0]: per-channel zero points, but not one per channel.
    init = [t(np.float32(0.1), "xs"), t(np.uint8(0), "xz"), t(w, "w"), t(np.full(4, 0.1, np.float32), "ws"),
            t(np.array([0, 1, 0], np.int8), "wz"), t(np.float32(0.5), "ys"), t(np.uint8(0), "yz")]
    save("bad_wzp", [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"],
                                      name="conv_wzp")], init)
    # QDQ weights with scales per input channel (axis 1).
    def qdq(name, axis, bias):
        init = [t(np.float32(0.1), "xs"), t(np.uint8(0), "xz"), t(w, "w"),
                t(np.array([0.1, 0.2, 0.3, 0.4], np.float32), "ws"), t(np.zeros(4, np.int8), "wz"),
                t(np.float32(0.5), "ys"), t(np.uint8(0), "yz")]
        nodes = [helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["xf"]),
                 helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wf"], axis=axis)]
        inputs = ["xf", "wf"]
        if bias:
            init.append(t(np.ones(4, np.float32), "b"))
            inputs.append("b")
        nodes += [helper.make_node("Conv", inputs, ["yf"], name=name),
                  helper.make_node("QuantizeLinear", ["yf", "ys", "yz"], ["y"])]
        save("bad_" + ("bias" if bias else "axis"), nodes, init)
    qdq("conv_axis", 1, False)
    qdq("conv_fbias", 0, True)
    # A grouped ConvTranspose (group 2, W [4, 2, 1, 1]: 4 outputs) with a scale per output channel:
    # W's axis 1 holds 2, which ONNX's per-axis quantization sizes the scales by.
    init = [t(np.float32(0.1), "xs"), t(np.uint8(0), "xz"), t(np.ones((4, 2, 1, 1), np.int8), "w"),
            t(np.array([0.1, 0.2, 0.3, 0.4], np.float32), "ws"), t(np.zeros(4, np.int8), "wz"),
            t(np.float32(0.5), "ys"), t(np.uint8(0), "yz")]
    save("bad_group_scales", [helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["xf"]),
                              helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wf"], axis=1),
                              helper.make_node("ConvTranspose", ["xf", "wf"], ["yf"], name="deconv_scales", group=2),
                              helper.make_node("QuantizeLinear", ["yf", "ys", "yz"], ["y"])], init)


if __name__ == "__main__":
    if sys.argv[1] == "--bad":
        bad_models(sys.argv[2])
        sys.exit(0)
    if sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    build(sys.argv[1])
