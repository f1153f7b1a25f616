"""Rewrite the int8 PTC encoder for unpadded windows: one fused attention node per layer, no mask.

``torch.onnx.export`` of a BERT with eager attention, then ``quantize_dynamic``, leaves every layer's
self-attention as a dozen small nodes: Q, K and V each reshaped and transposed, Q·Kᵀ, a scale, the
additive padding mask, Softmax, ·V, a transpose and a reshape back. onnxruntime runs them one by one
over (batch, 12, 256, 256) tensors. This module replaces each such subgraph, found structurally (by op
types and edges, not node names), with one ``com.microsoft.MultiHeadAttention`` node **without a mask**,
which onnxruntime's CPU kernel computes in one pass; the mask arithmetic and the ``attention_mask`` input
go. The int8 projections are untouched. (Packing the Q/K/V products into one ``MatMulInteger`` plus a
``Split`` was tried too: 3% slower.)

Dropping the mask is only right for batches without padding. :class:`spinscope.inference.ptc_model.PTCModel`
never pads (every window of an article has the same length, a short article is one window) and its
``forward`` refuses a padded batch for a model without an ``attention_mask`` input. The sentence encoder,
which batches sentences of different lengths, is not rewritten.

Measured on the shipped PTC encoder (the 90 PTC test articles, one thread, interleaved runs): 115.7-117.1
→ 97.8-99.2 ms of CPU per article. Hidden-state cosine with the unfused int8 graph: 0.9968 mean (the fused
kernel sums in another order, and the next layer's dynamic quantisation rounds a few values differently;
int8 vs torch fp32 is 0.991). Validation SI F1 0.4189 → 0.4190, TC 0.6598 → 0.6573 (docs/performance/ptc.md).

    python -m spinscope.train.fuse_attention IN.onnx OUT.onnx [--num-heads 12]

Needs the ``onnx`` package (``train`` or ``dev`` extra); run time needs only onnxruntime.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class PatternError(ValueError):
    """The graph does not have the shape this rewrite expects."""


class _Graph:
    """Producer/consumer maps and constant values of an ONNX graph."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        self.model = model
        self.g = model.graph
        self.producer = {o: n for n in self.g.node for o in n.output}
        self.consumers: dict[str, list[Any]] = {}
        for n in self.g.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.inits = {i.name: i for i in self.g.initializer}
        self.const: dict[str, np.ndarray] = {k: numpy_helper.to_array(v) for k, v in self.inits.items()}
        for n in self.g.node:
            if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
                self.const[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)

    def op(self, tensor: str, op_type: str) -> Any:
        n = self.producer.get(tensor)
        if n is None or n.op_type != op_type:
            raise PatternError(f"{tensor!r} is made by {n.op_type if n is not None else 'nothing'}, not {op_type}")
        return n

    def only_consumer(self, tensor: str, op_type: str) -> Any:
        cs = self.consumers.get(tensor, [])
        if len(cs) != 1 or cs[0].op_type != op_type:
            raise PatternError(f"{tensor!r} should feed exactly one {op_type}, feeds {[c.op_type for c in cs]}")
        return cs[0]

    def perm(self, node: Any) -> tuple[int, ...]:
        for a in node.attribute:
            if a.name == "perm":
                return tuple(a.ints)
        raise PatternError(f"Transpose {node.name} without perm")


def _scalar(g: _Graph, names: Sequence[str]) -> tuple[float, str]:
    """The one constant scalar among ``names`` and the other input's name."""
    for i, name in enumerate(names):
        if name in g.const and np.asarray(g.const[name]).size == 1:
            return float(np.asarray(g.const[name]).reshape(-1)[0]), names[1 - i]
    raise PatternError(f"no constant scale among {list(names)}")


_LEARNED = frozenset({"MatMul", "MatMulInteger", "Gemm", "LayerNormalization", "Softmax", "Conv"})


def _check_is_mask(g: _Graph, tensor: str, where: str) -> None:
    """The term added to the attention scores must be the padding mask: computed from the graph's
    ``attention_mask`` input (and other tensors' shapes) by shape and arithmetic ops only, never from hidden
    states' values (a position bias or the like would be silently lost by the rewrite)."""
    seen: set[str] = set()
    stack = [tensor]
    inputs = {i.name for i in g.g.input}
    reached: set[str] = set()
    while stack:
        t = stack.pop()
        if t in seen or not t:
            continue
        seen.add(t)
        if t in inputs:
            reached.add(t)
            continue
        n = g.producer.get(t)
        if n is None:
            continue  # an initializer
        if n.op_type in ("Shape", "Size"):
            continue  # only the other tensor's shape, not its values
        if n.op_type in _LEARNED:
            raise PatternError(f"{where}: the term added to the attention scores depends on a {n.op_type}, not a mask")
        stack.extend(n.input)
    if "attention_mask" not in reached:
        raise PatternError(f"{where}: the term added to the attention scores does not come from attention_mask")


def _check_heads(g: _Graph, reshape: Any, num_heads: int, where: str) -> None:
    """Q's reshape to (batch, seq, heads, head size), its shape a constant or a Concat of parts (-1 or
    unknown parts are skipped), must fit ``num_heads`` given the hidden size of Q's bias."""
    target = reshape.input[1]
    if target in g.const:
        dims = [int(d) for d in np.asarray(g.const[target]).reshape(-1)]
    else:
        concat = g.producer.get(target)
        parts = concat.input if concat is not None else []
        dims = [int(np.asarray(g.const[i]).reshape(-1)[0]) for i in parts
                if i in g.const and np.asarray(g.const[i]).size == 1]
    heads, size = ([-1, -1] + dims)[-2:]
    q_add = g.producer.get(reshape.input[0])
    bias = [g.const[i] for i in (q_add.input if q_add is not None else []) if i in g.inits]
    hidden = int(bias[0].size) if bias else 0
    if (heads > 0 and heads != num_heads) or (size > 0 and hidden and size * num_heads != hidden):
        raise PatternError(f"{where}: Q is reshaped to (…, {heads}, {size}) with hidden size {hidden}, "
                           f"which does not fit {num_heads} heads")


def _attention_blocks(g: _Graph, num_heads: int) -> list[dict[str, Any]]:
    """Every eager self-attention subgraph: its Q/K/V inputs, output, scale and the nodes it spans."""
    blocks = []
    for sm in [n for n in g.g.node if n.op_type == "Softmax"]:
        add = g.op(sm.input[0], "Add")
        try:
            mul = g.op(add.input[0], "Mul")
        except PatternError:
            mul = g.op(add.input[1], "Mul")
        _check_is_mask(g, add.input[1] if add.input[0] == mul.output[0] else add.input[0], add.name)
        scale, scores = _scalar(g, mul.input)
        mm = g.op(scores, "MatMul")
        tq, tk = g.op(mm.input[0], "Transpose"), g.op(mm.input[1], "Transpose")
        if g.perm(tq) != (0, 2, 1, 3) or g.perm(tk) != (0, 2, 3, 1):
            raise PatternError(f"unexpected Q/K transposes {g.perm(tq)} {g.perm(tk)} before {mm.name}")
        rq, rk = g.op(tq.input[0], "Reshape"), g.op(tk.input[0], "Reshape")
        _check_heads(g, rq, num_heads, sm.name)
        mm2 = g.only_consumer(sm.output[0], "MatMul")
        tv = g.op(mm2.input[1], "Transpose")
        if g.perm(tv) != (0, 2, 1, 3):
            raise PatternError(f"unexpected V transpose {g.perm(tv)}")
        rv = g.op(tv.input[0], "Reshape")
        t3 = g.only_consumer(mm2.output[0], "Transpose")
        r3 = g.only_consumer(t3.output[0], "Reshape")
        blocks.append({
            "q": rq.input[0], "k": rk.input[0], "v": rv.input[0], "out": r3.output[0], "scale": scale,
            "remove": [rq, rk, rv, tq, tk, tv, mm, mul, add, sm, mm2, t3, r3], "name": sm.name,
        })
    if not blocks:
        raise PatternError("no eager attention (Softmax) found: already fused, or not a BERT export")
    return blocks


def _topological(nodes: list[Any], available: set[str]) -> list[Any]:
    """``nodes`` in an order where every input is made before it is used (stable otherwise)."""
    ready = set(available) | {""}
    out: list[Any] = []
    pending = list(nodes)
    while pending:
        rest = []
        for n in pending:
            if all(i in ready for i in n.input):
                out.append(n)
                ready.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise PatternError(f"cannot order the rewritten graph: {rest[0].name} lacks an input")
        pending = rest
    return out


def rewrite(model: Any, num_heads: int = 12) -> dict[str, int]:
    """Rewrite ``model`` (an onnx ModelProto) in place; returns counts of what changed."""
    from onnx import helper

    for i, n in enumerate(model.graph.node):  # names identify nodes below
        if not n.name:
            n.name = f"node_{i}"
    if len({n.name for n in model.graph.node}) != len(model.graph.node):
        raise PatternError("node names are not unique")
    g = _Graph(model)
    blocks = _attention_blocks(g, num_heads)
    remove = {n.name for b in blocks for n in b["remove"]}
    added: list[Any] = []
    for b in blocks:
        added.append(helper.make_node("MultiHeadAttention", [b["q"], b["k"], b["v"]], [b["out"]],
                                      domain="com.microsoft", num_heads=num_heads, scale=b["scale"],
                                      name=b["name"].rsplit("/", 1)[0] + "/MultiHeadAttention"))
    nodes = _topological([n for n in model.graph.node if n.name not in remove] + added,
                         {i.name for i in model.graph.input} | {i.name for i in model.graph.initializer})
    # drop what no longer reaches an output (the mask arithmetic), then unused inputs and initializers
    live = {o.name for o in model.graph.output}
    kept = []
    for n in reversed(nodes):
        if any(o in live for o in n.output):
            kept.append(n)
            live.update(i for i in n.input if i)
    kept.reverse()
    dead = len(nodes) - len(kept)
    del model.graph.node[:]
    model.graph.node.extend(kept)
    unused_inputs = [i for i in model.graph.input if i.name not in live]
    for i in unused_inputs:
        model.graph.input.remove(i)
    inits = [i for i in model.graph.initializer if i.name in live]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return {"attention_fused": len(blocks), "nodes_dropped": dead,
            "inputs_dropped": len(unused_inputs)}


def rewrite_file(src: Path | str, dst: Path | str, num_heads: int = 12) -> dict[str, int]:
    import onnx

    model = onnx.load(str(src))
    counts = rewrite(model, num_heads)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m spinscope.train.fuse_attention", description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--num-heads", type=int, default=12)
    args = ap.parse_args(argv)
    try:
        counts = rewrite_file(args.src, args.dst, args.num_heads)
    except (PatternError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
