"""The token encoder's graph without padding mask (spinscope.inference.unpadded): bit-identical states on real
text, and a rewrite that refuses any attention term it cannot prove to be a zero padding mask."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from spinscope.inference.sentence_encoder import DEFAULT_DIR
from spinscope.inference.token_encoder import TokenEncoder
from spinscope.inference.unpadded import PatternError, drop_padding_mask, unpadded_session
from spinscope.inference.windows import window_starts

onnx = pytest.importorskip("onnx", reason="building test graphs needs the onnx package (dev extra)")
from onnx import TensorProto, helper  # noqa: E402

BUNDLED = DEFAULT_DIR / "model_int8.onnx"


@pytest.fixture(scope="module")
def encoders() -> tuple[TokenEncoder, TokenEncoder]:
    fast, reference = TokenEncoder(threads=1), TokenEncoder(threads=1, unpadded=False)
    fast.load()
    reference.load()
    return fast, reference


def _example() -> str:
    return resources.files("spinscope").joinpath("resources/examples/example.txt").read_text(encoding="utf-8")


def test_the_bundled_graph_runs_without_mask(encoders: tuple[TokenEncoder, TokenEncoder]) -> None:
    fast, reference = encoders
    assert fast.unpadded_reason == ""
    assert [i.name for i in fast._session.get_inputs()] == ["input_ids", "token_type_ids"]
    assert "attention_mask" in [i.name for i in reference._session.get_inputs()]


def test_states_are_bit_identical_on_the_example(encoders: tuple[TokenEncoder, TokenEncoder]) -> None:
    fast, reference = encoders
    toks = fast.tokenize(_example())
    assert len(window_starts(len(toks), fast.size, fast.overlap)) == 3  # overlapping windows, the last stretched
    assert np.array_equal(fast.states(toks), reference.states(toks))


def test_states_are_bit_identical_on_ptc_articles(encoders: tuple[TokenEncoder, TokenEncoder], data_dir: Path) -> None:
    fast, reference = encoders
    files = sorted((data_dir / "ptc" / "test-articles").glob("article*.txt"))[:6]
    assert files
    for f in files:
        toks = fast.tokenize(f.read_text(encoding="utf-8"))
        assert np.array_equal(fast.states(toks, [3, 5]), reference.states(toks, [3, 5])), f.name


def test_batches_of_equal_windows_are_identical_too() -> None:
    fast, reference = TokenEncoder(threads=1, batch_size=4), TokenEncoder(threads=1, batch_size=4, unpadded=False)
    toks = fast.tokenize(_example())
    assert np.array_equal(fast.states(toks), reference.states(toks))


def test_rewrite_of_the_bundled_graph_is_valid_onnx() -> None:
    chunks, n = drop_padding_mask(BUNDLED.read_bytes())
    model = onnx.load_from_string(b"".join(chunks))
    onnx.checker.check_model(model)
    assert n == 6
    assert "attention_mask" not in [i.name for i in model.graph.input]
    producer = {o: node for node in model.graph.node for o in node.output}
    assert all(producer[sm.input[0]].op_type != "Add" for sm in model.graph.node if sm.op_type == "Softmax")
    assert [o.name for o in model.graph.output] == ["last_hidden_state", "layers"]


def _tiny_attention(term: str, tmp_path: Path) -> Path:
    """scores (1, T, T) from input_ids, plus an attention ``term``, through a Softmax; the graph's inputs are
    the encoder's (input_ids, attention_mask, token_type_ids)."""
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_f", "axis2"], ["col"]),
        helper.make_node("Unsqueeze", ["ids_f", "axis1"], ["row"]),
        helper.make_node("Mul", ["col", "row"], ["prod"]),
        helper.make_node("Mul", ["prod", "scale"], ["scores"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis1"], ["mask_row"]),
    ]
    inits = [helper.make_tensor("axis1", TensorProto.INT64, [1], [1]),
             helper.make_tensor("axis2", TensorProto.INT64, [1], [2]),
             helper.make_tensor("scale", TensorProto.FLOAT, [], [0.001]),
             helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
             helper.make_tensor("big", TensorProto.FLOAT, [], [-10000.0]),
             helper.make_tensor("bias", TensorProto.FLOAT, [1], [0.5])]
    if term == "padding":  # (1 - mask) * -10000: zero where every token is attended
        nodes += [helper.make_node("Sub", ["one", "mask_row"], ["inv"]),
                  helper.make_node("Mul", ["inv", "big"], ["term"])]
    elif term == "cumsum":  # from the mask alone, but not zero on unpadded input (a stand-in for a causal mask)
        nodes += [helper.make_node("CumSum", ["mask_row", "axis1"], ["term"])]
    elif term == "learned":  # a weight, not a mask
        nodes += [helper.make_node("MatMul", ["mask_row", "bias_m"], ["term0"]),
                  helper.make_node("Mul", ["term0", "one"], ["term"])]
        inits.append(helper.make_tensor("bias_m", TensorProto.FLOAT, [1, 1], [0.5]))
    nodes += [helper.make_node("Add", ["scores", "term"], ["logits"]),
              helper.make_node("Softmax", ["logits"], ["last_hidden_state"], axis=-1)]
    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, [1, "T"])
            for n in ("input_ids", "attention_mask", "token_type_ids")]
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [1, "T", "T"])
    graph = helper.make_graph(nodes, "tiny", ints, [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = tmp_path / f"{term}.onnx"
    onnx.save(model, str(path))
    return path


def test_a_padding_mask_is_dropped_and_outputs_stay_identical(tmp_path: Path) -> None:
    from spinscope.inference.onnx import cpu_session

    path = _tiny_attention("padding", tmp_path)
    session, reason = unpadded_session(path, 1)
    assert reason == "" and session is not None
    assert [i.name for i in session.get_inputs()] == ["input_ids"]
    masked = cpu_session(path, 1)
    ids = np.array([[101, 2023, 2003, 1037, 3231, 102]], np.int64)
    want = masked.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": 0 * ids})
    assert np.array_equal(session.run(None, {"input_ids": ids})[0], want[0])


def test_a_term_from_the_mask_that_is_not_zero_is_kept(tmp_path: Path) -> None:
    path = _tiny_attention("cumsum", tmp_path)
    drop_padding_mask(path.read_bytes())  # it looks like a mask to the structural check ...
    session, reason = unpadded_session(path, 1)  # ... but the numeric probe refuses it
    assert session is None and "not zero" in reason


def test_a_learned_term_is_never_taken_for_a_mask(tmp_path: Path) -> None:
    path = _tiny_attention("learned", tmp_path)
    with pytest.raises(PatternError, match="exactly one padding mask"):
        drop_padding_mask(path.read_bytes())
    session, reason = unpadded_session(path, 1)
    assert session is None and "exactly one padding mask" in reason


def test_not_an_onnx_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "junk.onnx"
    path.write_bytes(b"\xff\xff\xff junk")
    session, reason = unpadded_session(path, 1)
    assert session is None and "cannot drop the padding mask" in reason


def test_the_encoder_falls_back_to_the_masked_graph(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    encoders: tuple[TokenEncoder, TokenEncoder]) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))  # no temporary directory to load from
    enc = TokenEncoder(threads=1)
    enc.load()
    assert "FileNotFoundError" in enc.unpadded_reason
    assert "attention_mask" in [i.name for i in enc._session.get_inputs()]
    toks = enc.tokenize(_example())
    assert np.array_equal(enc.states(toks), encoders[1].states(toks))
