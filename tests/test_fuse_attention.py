"""The attention rewrite of the PTC encoder: a small eager-attention graph built here, rewritten, run by
onnxruntime before and after; and the shipped encoder's contract (no mask, padded batches refused)."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

onnx = pytest.importorskip("onnx", reason="the rewrite needs the onnx package (dev or train extra)")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from spinscope.inference.ptc_model import PTCModel  # noqa: E402
from spinscope.inference.windows import equal_length_batches, window_starts  # noqa: E402
from spinscope.train.fuse_attention import PatternError, main, rewrite  # noqa: E402

D, HEADS, SIZE = 8, 2, 4


def eager_attention_model(layers: int = 2, seed: int = 0) -> onnx.ModelProto:
    """What torch.onnx.export makes of BERT's eager self-attention, reduced to its ops: per layer Q/K/V
    projections, reshape to heads, Q·Kᵀ, scale, additive padding mask, Softmax, ·V, back to (B, S, D)."""
    rng = np.random.default_rng(seed)
    inits = [numpy_helper.from_array(np.array([0, 0, -1, SIZE], np.int64), "heads_shape"),
             numpy_helper.from_array(np.array([0, 0, D], np.int64), "back_shape"),
             numpy_helper.from_array(np.array(SIZE ** -0.5, np.float32), "scale"),
             numpy_helper.from_array(np.array(1.0, np.float32), "one"),
             numpy_helper.from_array(np.array(-1e9, np.float32), "neg")]
    nodes = [  # additive mask (B, 1, 1, S): 0 where attended, -1e9 on padding
        helper.make_node("Cast", ["attention_mask"], ["m_f"], to=TensorProto.FLOAT, name="mask/Cast"),
        helper.make_node("Sub", ["one", "m_f"], ["m_inv"], name="mask/Sub"),
        helper.make_node("Mul", ["m_inv", "neg"], ["m_add"], name="mask/Mul"),
        helper.make_node("Unsqueeze", ["m_add", "axes"], ["mask4"], name="mask/Unsqueeze"),
    ]
    inits.append(numpy_helper.from_array(np.array([1, 2], np.int64), "axes"))
    x = "x"
    for L in range(layers):
        p = f"/layer.{L}/"
        for k in ("q", "k", "v"):
            inits += [numpy_helper.from_array(rng.normal(0, 0.5, (D, D)).astype(np.float32), p + k + "_w"),
                      numpy_helper.from_array(rng.normal(0, 0.1, D).astype(np.float32), p + k + "_b")]
            nodes += [helper.make_node("MatMul", [x, p + k + "_w"], [p + k + "_mm"], name=p + k + "/MatMul"),
                      helper.make_node("Add", [p + k + "_b", p + k + "_mm"], [p + k], name=p + k + "/Add"),
                      helper.make_node("Reshape", [p + k, "heads_shape"], [p + k + "_r"], name=p + k + "/Reshape")]
        nodes += [
            helper.make_node("Transpose", [p + "q_r"], [p + "q_t"], perm=[0, 2, 1, 3], name=p + "q/Transpose"),
            helper.make_node("Transpose", [p + "k_r"], [p + "k_t"], perm=[0, 2, 3, 1], name=p + "k/Transpose"),
            helper.make_node("Transpose", [p + "v_r"], [p + "v_t"], perm=[0, 2, 1, 3], name=p + "v/Transpose"),
            helper.make_node("MatMul", [p + "q_t", p + "k_t"], [p + "scores"], name=p + "MatMul"),
            helper.make_node("Mul", [p + "scores", "scale"], [p + "scaled"], name=p + "Mul"),
            helper.make_node("Add", [p + "scaled", "mask4"], [p + "masked"], name=p + "Add"),
            helper.make_node("Softmax", [p + "masked"], [p + "probs"], axis=-1, name=p + "Softmax"),
            helper.make_node("MatMul", [p + "probs", p + "v_t"], [p + "ctx"], name=p + "MatMul_1"),
            helper.make_node("Transpose", [p + "ctx"], [p + "ctx_t"], perm=[0, 2, 1, 3], name=p + "Transpose_3"),
            helper.make_node("Reshape", [p + "ctx_t", "back_shape"], [p + "out"], name=p + "Reshape_3"),
            helper.make_node("Add", [p + "out", x], [p + "res"], name=p + "residual"),
        ]
        x = p + "res"
    nodes.append(helper.make_node("Identity", [x], ["y"], name="out"))
    graph = helper.make_graph(
        nodes, "eager", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "s", D]),
                         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "s"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "s", D])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def run(model: onnx.ModelProto, **feed: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}
    out: np.ndarray = sess.run(None, {k: v for k, v in feed.items() if k in names})[0]
    return out


def test_rewrite_fuses_every_layer_and_keeps_the_output_for_unpadded_input() -> None:
    model = eager_attention_model()
    x = np.random.default_rng(1).normal(size=(3, 7, D)).astype(np.float32)
    ones = np.ones((3, 7), np.int64)
    before = run(model, x=x, attention_mask=ones)
    counts = rewrite(model, HEADS)
    onnx.checker.check_model(model)
    assert counts["attention_fused"] == 2 and counts["inputs_dropped"] == 1
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("MultiHeadAttention") == 2 and "Softmax" not in ops and "Cast" not in ops
    assert [i.name for i in model.graph.input] == ["x"]
    after = run(model, x=x)
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-5)


def test_the_rewritten_graph_ignores_padding_so_it_must_not_get_any() -> None:
    model = eager_attention_model(layers=1)
    x = np.random.default_rng(2).normal(size=(1, 6, D)).astype(np.float32)
    padded = np.array([[1, 1, 1, 1, 0, 0]], np.int64)
    masked = run(model, x=x, attention_mask=padded)
    rewrite(model, HEADS)
    assert not np.allclose(run(model, x=x), masked, atol=1e-4)  # why PTCModel never pads


def test_rewrite_refuses_what_it_does_not_recognise() -> None:
    model = eager_attention_model(layers=1)
    with pytest.raises(PatternError, match="does not fit 4 heads"):
        rewrite(model, 4)
    rewrite(model, HEADS)
    with pytest.raises(PatternError, match="no eager attention"):
        rewrite(model, HEADS)


def test_command_line_error_is_one_line(tmp_path, capsys) -> None:
    src = tmp_path / "in.onnx"
    model = eager_attention_model(layers=1)
    onnx.save(model, str(src))
    assert main([str(src), str(tmp_path / "out.onnx"), "--num-heads", str(HEADS)]) == 0
    assert "attention_fused=1" in capsys.readouterr().out
    assert main([str(tmp_path / "out.onnx"), str(tmp_path / "again.onnx"), "--num-heads", str(HEADS)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no eager attention") and "\n" not in err


def test_shipped_encoder_takes_no_mask_and_refuses_padded_batches() -> None:
    model = PTCModel(threads=1)
    model.load()
    assert [i.name for i in model._session.get_inputs()] == ["input_ids"]
    ids = np.array([[101, 7592, 2088, 102], [101, 7592, 102, 0]], np.int64)
    with pytest.raises(ValueError, match="no padding mask"):
        model.forward(ids, np.array([[1, 1, 1, 1], [1, 1, 1, 0]], np.int64))
    assert model.forward(ids[:1], np.ones((1, 4), np.int64)).shape == (1, 4, 384)


@pytest.mark.parametrize("n", [0, 1, 253, 254, 255, 500, 1000, 4321])
def test_article_windows_are_batched_without_padding(n: int) -> None:
    wins = window_starts(n, 256, 32)
    batches = equal_length_batches(wins, 8)
    assert [i for b, e in batches for i in range(b, e)] == list(range(len(wins)))
    for b, e in batches:
        assert e - b <= 8 and len({wins[i][1] - wins[i][0] for i in range(b, e)}) == 1


def test_equal_length_batches_split_where_lengths_change() -> None:
    wins = [(0, 10), (5, 15), (10, 18), (12, 20), (20, 30)]
    assert equal_length_batches(wins, 8) == [(0, 2), (2, 4), (4, 5)]
    assert equal_length_batches(wins, 1) == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]


def test_rewrite_refuses_an_added_term_that_is_not_the_mask() -> None:
    model = eager_attention_model(layers=1)
    add = next(n for n in model.graph.node if n.name == "/layer.0/Add")
    add.input[1] = "/layer.0/q_mm"  # scores + something computed from the hidden states (shape-broadcast aside)
    with pytest.raises(PatternError, match="depends on a MatMul"):
        rewrite(model, HEADS)
