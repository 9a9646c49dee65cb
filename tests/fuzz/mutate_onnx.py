#!/usr/bin/env python3
"""Hostile ONNX models for the import (tests/fuzz/fuzz_onnx.sh): each output model is one of the
given models with 1-3 structural mutations (attribute values and lengths, inputs removed or
renamed, op types swapped among the layer ops, initializer dims and element types, graph input
dims made zero, huge or symbolic, attributes added). Seeded: the same seed writes the same models.

  mutate_onnx.py SEED COUNT OUT_DIR MODEL.onnx [MODEL.onnx ...]
"""
import os
import random
import sys

import onnx
from onnx import TensorProto, helper

VALUES = [0, 1, -1, 2, 3, 7, -5, 1000, 2**31, -2**31, 2**40]
OPS = ["Conv", "ConvTranspose", "Gemm", "MatMul", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
       "DequantizeLinear", "Relu"]


def mutate(m, rng):
    g = m.graph
    for _ in range(rng.randint(1, 3)):
        nodes = list(g.node)
        if not nodes:
            return
        n = rng.choice(nodes)
        kind = rng.randint(0, 7)
        if kind == 0 and n.attribute:
            a = rng.choice(n.attribute)
            if a.ints:
                a.ints[rng.randrange(len(a.ints))] = rng.choice(VALUES)
            elif a.type == onnx.AttributeProto.INT:
                a.i = rng.choice(VALUES)
            elif a.type == onnx.AttributeProto.FLOAT:
                a.f = rng.choice([0.0, -1.0, float("nan"), 1e30, 0.5])
        elif kind == 1 and n.attribute:
            a = rng.choice(n.attribute)
            if a.ints:
                if rng.random() < 0.5:
                    del a.ints[-1]
                else:
                    a.ints.append(rng.choice(VALUES))
        elif kind == 2 and n.input:
            n.input[rng.randrange(len(n.input))] = rng.choice(["", "nonexistent", n.input[0]])
        elif kind == 3:
            n.op_type = rng.choice(OPS)
        elif kind == 4 and g.initializer:
            t = rng.choice(g.initializer)
            if t.dims:
                t.dims[rng.randrange(len(t.dims))] = rng.choice([0, 1, 2, 3, 1000000])
        elif kind == 5 and g.input:
            dims = rng.choice(g.input).type.tensor_type.shape.dim
            if dims:
                d = rng.choice(dims)
                if rng.random() < 0.5:
                    d.dim_value = rng.choice([0, 1, 2, 5, 100000])
                else:
                    d.dim_param = "sym"
        elif kind == 6:
            n.attribute.append(helper.make_attribute(
                rng.choice(["group", "strides", "pads", "output_padding", "dilations", "auto_pad", "axis",
                            "output_shape"]),
                rng.choice([2, [1, 2], [0, 0, 0, 0], "SAME_LOWER", [5, 5], 0])))
        elif kind == 7 and g.initializer:
            rng.choice(g.initializer).data_type = rng.choice(
                [TensorProto.FLOAT, TensorProto.INT8, TensorProto.UINT8, TensorProto.INT32, TensorProto.FLOAT16,
                 TensorProto.STRING])


def main():
    seed, count, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sources = sys.argv[4:]
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        m = onnx.load(rng.choice(sources))
        mutate(m, rng)
        onnx.save(m, os.path.join(out, "m%d.onnx" % i))


if __name__ == "__main__":
    main()
