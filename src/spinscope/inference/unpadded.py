"""The bundled encoder graph for unpadded windows, rewritten in memory at load time: no padding mask.

The exported all-MiniLM-L6-v2 graph (``resources/models/encoder/model_int8.onnx``) adds a padding mask to
every layer's attention scores, because the sentence encoder pads its batches. The token encoder never
pads: it runs one window at a time (or batches of equal-length windows), so for it that mask is all
zeros. Adding zero to a float is the identity, so dropping the six ``Add`` nodes, the arithmetic that
builds the mask and the ``attention_mask`` input gives **bit-identical** outputs (``last_hidden_state``
and ``layers``) and saves ~5% of the encoder's CPU on one thread (docs/performance/web.md, "Eighth
session").

The rewrite is structural (op types and edges, not node names): each layer's ``Softmax`` must read
``scores + term``, where the term is computed from ``attention_mask`` by shape and arithmetic ops only
(no learned op, no lookup in a weight table). It is then checked numerically: the graph's own mask nodes,
run alone on unpadded probe inputs, must give exactly zero (a causal or sliding-window mask built from the
same inputs would not), else :func:`unpadded_session` says why and the caller keeps the masked graph.
The bundle keeps one encoder file: the second graph exists only for the session's loading (a temporary
file, deleted at once).

The graph is edited at the protobuf wire level (a ``ModelProto`` is a list of tagged fields; only the
graph's nodes, inputs, outputs and initializer names are decoded, the weights are copied as they are), so
run time needs neither the ``onnx`` package (whose import alone costs ~1.1 s of CPU and ~25 MB here) nor a
parsed copy of the weights.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# ops whose output depends on learned weights or on hidden-state values: never part of a padding mask
_LEARNED = frozenset({"MatMul", "MatMulInteger", "Gemm", "LayerNormalization", "Softmax", "Conv"})
# field numbers of onnx.proto3 (ModelProto.graph; GraphProto.node/initializer/input/output; NodeProto ...)
_MODEL_GRAPH = 7
_GRAPH_NODE, _GRAPH_INIT, _GRAPH_INPUT, _GRAPH_OUTPUT = 1, 5, 11, 12
_NODE_INPUT, _NODE_OUTPUT, _NODE_NAME, _NODE_OP, _NODE_ATTR = 1, 2, 3, 4, 5
_ATTR_GRAPH, _ATTR_GRAPHS = 6, 11
_TENSOR_NAME, _VALUE_INFO_NAME, _VALUE_INFO_TYPE = 8, 1, 2
_TYPE_TENSOR, _ELEM_TYPE, _FLOAT = 1, 1, 1  # TypeProto.tensor_type, TypeProto.Tensor.elem_type, FLOAT
_LEN = 2  # wire type of strings, bytes and messages


class PatternError(ValueError):
    """The graph does not have the shape this rewrite expects."""


# ---------------------------------------------------------------------------------------- protobuf wire format
def _varint(buf: memoryview, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _fields(buf: memoryview) -> Iterator[tuple[int, int, memoryview, memoryview]]:
    """(field number, wire type, payload (a LEN field's bytes, else empty), the whole field's bytes)."""
    i = 0
    while i < len(buf):
        start = i
        tag, i = _varint(buf, i)
        number, wire = tag >> 3, tag & 7
        payload = buf[i:i]
        if wire == 0:
            _, i = _varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == _LEN:
            size, i = _varint(buf, i)
            payload, i = buf[i : i + size], i + size
        else:
            raise PatternError(f"unsupported protobuf wire type {wire}")
        yield number, wire, payload, buf[start:i]


def _len_field(number: int, payload: bytes) -> bytes:
    return _encode_varint(number << 3 | _LEN) + _encode_varint(len(payload)) + payload


def _name(msg: memoryview, number: int) -> str:
    for n, wire, payload, _ in _fields(msg):
        if n == number and wire == _LEN:
            return bytes(payload).decode()
    return ""


@dataclass
class _Node:
    raw: memoryview
    op_type: str = ""
    name: str = ""
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, raw: memoryview) -> _Node:
        node = cls(raw)
        for n, _, payload, _ in _fields(raw):
            if n == _NODE_INPUT:
                node.inputs.append(bytes(payload).decode())
            elif n == _NODE_OUTPUT:
                node.outputs.append(bytes(payload).decode())
            elif n == _NODE_NAME:
                node.name = bytes(payload).decode()
            elif n == _NODE_OP:
                node.op_type = bytes(payload).decode()
            elif n == _NODE_ATTR and any(a in (_ATTR_GRAPH, _ATTR_GRAPHS) for a, *_ in _fields(payload)):
                raise PatternError(f"{node.op_type or 'a node'} has a subgraph; not handled")
        return node

    def with_inputs(self, inputs: list[str]) -> bytes:
        """This node's bytes with its inputs replaced (other fields kept as they are, in order)."""
        out, k = [], 0
        for n, _, _, whole in _fields(self.raw):
            if n == _NODE_INPUT:
                out.append(_len_field(_NODE_INPUT, inputs[k].encode()))
                k += 1
            else:
                out.append(bytes(whole))
        return b"".join(out)


# ---------------------------------------------------------------------------------------- the rewrite
def _is_mask(producer: dict[str, _Node], weights: set[str], tensor: str, mask_input: str) -> bool:
    """Whether ``tensor`` is computed from ``mask_input`` (and other tensors' shapes) by shape and arithmetic
    ops only: no learned op, no lookup in a weight table (``weights``: the initializers' names)."""
    seen: set[str] = set()
    stack, reached = [tensor], False
    while stack:
        t = stack.pop()
        if not t or t in seen:
            continue
        seen.add(t)
        if t == mask_input:
            reached = True
            continue
        node = producer.get(t)
        if node is None or node.op_type in ("Shape", "Size"):
            continue  # a constant, or only another tensor's shape (not its values)
        if node.op_type in _LEARNED or (node.op_type == "Gather" and node.inputs[0] in weights):
            return False
        stack.extend(node.inputs)
    return reached


class _Graph:
    """The nodes, inputs, outputs and initializer names of a serialised ONNX model, decoded from its bytes
    (the weights are not decoded, only skipped)."""

    def __init__(self, model: bytes) -> None:
        self.buf = memoryview(model)
        graph = next((p for n, w, p, _ in _fields(self.buf) if n == _MODEL_GRAPH and w == _LEN), None)
        if graph is None:
            raise PatternError("not an ONNX model (no graph)")
        self.parts = [(n, payload, whole) for n, _, payload, whole in _fields(graph)]
        self.nodes = [_Node.parse(p) for n, p, _ in self.parts if n == _GRAPH_NODE]
        self.weights = {_name(p, _TENSOR_NAME) for n, p, _ in self.parts if n == _GRAPH_INIT}
        self.outputs = [_name(p, _VALUE_INFO_NAME) for n, p, _ in self.parts if n == _GRAPH_OUTPUT]
        self.producer = {o: node for node in self.nodes for o in node.outputs}

    def mask_terms(self, mask_input: str) -> list[tuple[_Node, _Node, str]]:
        """(Softmax, Add, mask tensor) of every attention ``Softmax(scores + mask)``."""
        terms = []
        for sm in [node for node in self.nodes if node.op_type == "Softmax"]:
            add = self.producer.get(sm.inputs[0])
            if add is None or add.op_type != "Add":
                raise PatternError(f"{sm.name or 'a Softmax'} does not read scores + mask (made by "
                                   f"{add.op_type if add is not None else 'nothing'})")
            masks = [i for i in add.inputs if _is_mask(self.producer, self.weights, i, mask_input)]
            if len(masks) != 1:
                raise PatternError(f"{add.name or 'an Add'} before a Softmax does not add exactly one padding mask")
            terms.append((sm, add, masks[0]))
        if not terms:
            raise PatternError("no attention Softmax in the graph")
        return terms

    def serialise(self, *, replaced: dict[int, bytes] | None = None, removed: frozenset[int] = frozenset(),
                  outputs: list[str] | None = None) -> tuple[list[bytes | memoryview], set[str]]:
        """The model's bytes (chunks to join or write one after another: no copy of the weights) with nodes
        ``replaced`` (id(node) -> node bytes) or ``removed`` (ids), the graph's outputs replaced by float
        tensors ``outputs`` if given, and every node, input and initializer that does not reach an output left
        out; and the names of the tensors still used."""
        replaced = replaced or {}
        live = set(outputs if outputs is not None else self.outputs)
        kept: set[int] = set()
        for node in reversed(self.nodes):  # ONNX nodes are in topological order: walk them backwards
            if id(node) not in removed and any(o in live for o in node.outputs):
                kept.add(id(node))
                live.update(i for i in node.inputs if i)
        out: list[bytes | memoryview] = []
        nodes = iter(self.nodes)
        for n, payload, whole in self.parts:
            if n == _GRAPH_NODE:
                node = next(nodes)
                if id(node) in kept:
                    out.append(_len_field(_GRAPH_NODE, replaced[id(node)]) if id(node) in replaced else whole)
            elif n in (_GRAPH_INIT, _GRAPH_INPUT):
                if _name(payload, _TENSOR_NAME if n == _GRAPH_INIT else _VALUE_INFO_NAME) in live:
                    out.append(whole)
            elif n != _GRAPH_OUTPUT or outputs is None:
                out.append(whole)
        float_tensor = _len_field(_TYPE_TENSOR, _encode_varint(_ELEM_TYPE << 3) + _encode_varint(_FLOAT))  # any shape
        out.extend(_len_field(_GRAPH_OUTPUT, _len_field(_VALUE_INFO_NAME, t.encode()) + _len_field(_VALUE_INFO_TYPE,
                                                                                                   float_tensor))
                   for t in outputs or [])
        rest: list[bytes | memoryview] = [whole for n, _, _, whole in _fields(self.buf) if n != _MODEL_GRAPH]
        header = _encode_varint(_MODEL_GRAPH << 3 | _LEN) + _encode_varint(sum(len(c) for c in out))
        return [*rest, header, *out], live


def drop_padding_mask(model: bytes, mask_input: str = "attention_mask") -> tuple[list[bytes | memoryview], int]:
    """A serialised ONNX model (``model``) without the additive padding mask of each attention
    ``Softmax(scores + mask)``, nor any node, input or initializer that then no longer reaches an output.
    Returns the new model's bytes (chunks to join or write in order) and the number of masks removed;
    raises :class:`PatternError` if the graph is not of that shape. (Structural only: :func:`unpadded_session`
    checks the masks numerically.)"""
    g = _Graph(model)
    terms = g.mask_terms(mask_input)
    replaced = {}
    for sm, add, mask in terms:
        scores = add.inputs[1] if add.inputs[0] == mask else add.inputs[0]
        replaced[id(sm)] = sm.with_inputs([scores, *sm.inputs[1:]])
        sm.inputs[0] = scores
    new, live = g.serialise(replaced=replaced, removed=frozenset(id(add) for _, add, _ in terms))
    if mask_input in live:
        raise PatternError(f"{mask_input} is still used after removing the attention masks")
    return new, len(terms)


def mask_probe(model: bytes, mask_input: str = "attention_mask") -> bytes:
    """The part of ``model`` that computes its attention masks, with the masks as its outputs."""
    g = _Graph(model)
    return b"".join(g.serialise(outputs=sorted({mask for _, _, mask in g.mask_terms(mask_input)}))[0])


def _probe_feeds(session: Any, n: int) -> dict[str, np.ndarray]:
    ids = np.array([[101] + [1000 + 37 * k for k in range(n - 2)] + [102]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    unknown = [i.name for i in session.get_inputs() if i.name not in feeds]
    if unknown:
        raise PatternError(f"the encoder graph has inputs other than a BERT's: {unknown}")
    return {i.name: feeds[i.name] for i in session.get_inputs()}


def unpadded_session(path: Path, threads: int | None = None, probe_lengths: tuple[int, ...] = (3, 41, 256)
                     ) -> tuple[Any, str]:
    """An onnxruntime session of ``path`` without padding masks, for unpadded batches, and ``""``; or None
    and the reason it could not be had (then use the file's graph: same outputs). Every mask removed must
    be exactly zero on unpadded probe inputs of ``probe_lengths`` tokens (computed by the graph's own mask
    nodes, alone). The rewritten graph is loaded from a temporary file, deleted at once: onnxruntime keeps
    a model given as bytes in memory for the session's life (23 MB here). This is only a faster way to the
    same outputs, so any failure on the way (a graph of another shape, a runtime that refuses the probe, no
    writable temporary directory) is reported, never raised."""
    from spinscope.inference.onnx import cpu_session

    try:
        data = Path(path).read_bytes()
        probe = cpu_session(mask_probe(data), 1)
        for n in probe_lengths:
            if any(np.any(m != 0) for m in probe.run(None, _probe_feeds(probe, n))):
                return None, f"{path}: an attention term taken for a padding mask is not zero on {n} unpadded tokens"
        del probe
        chunks, _ = drop_padding_mask(data)
        with tempfile.NamedTemporaryFile(prefix="spinscope-encoder-", suffix=".onnx") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            del chunks, data  # before the session exists: the two copies of the weights never meet
            return cpu_session(Path(f.name), threads), ""
    except Exception as exc:  # noqa: BLE001 - an optional fast path: the caller falls back to the file's graph
        return None, f"cannot drop the padding mask of {path}: {type(exc).__name__}: {exc}"
