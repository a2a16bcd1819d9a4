"""Fine-tuning on EmpatheticDialogues CSVs: reading, loss goes down, checkpoints, resume, CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from responders.neural.empathetic import DataFormatError, read_csv, read_split
from responders.neural.finetune import TrainConfig, latest_checkpoint, train_generator


def test_reads_conversations_in_order(ed_dir):
    convs = read_split(ed_dir)
    assert len(convs) == 4
    assert convs[0] == ["how was your day?", "it was good, thanks for asking.", "that is great to hear."]


def test_out_of_order_rows_and_bad_files(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("conv_id,utterance_idx,context,prompt,speaker_idx,utterance\n"
                    "a,2,c,p,1,second\na,1,c,p,0,first \"quoted\n")
    assert read_csv(path) == [['first "quoted', "second"]]
    path.write_text("id,text\n1,hello\n")
    with pytest.raises(DataFormatError, match="missing column"):
        read_csv(path)
    with pytest.raises(DataFormatError, match="not found"):
        read_split(tmp_path / "nowhere")


def test_short_run_lowers_loss_and_resumes(ed_dir, tiny_dir, tmp_path):
    out = tmp_path / "gen"
    cfg = TrainConfig(max_steps=6, batch_size=2, learning_rate=2e-3, warmup_steps=0, save_every=3)
    first = train_generator(ed_dir, str(tiny_dir), out, cfg, progress=False)
    assert first.steps == 6
    assert first.eval_loss_after < first.eval_loss_before
    assert latest_checkpoint(out).name == "checkpoint-6"
    assert (out / "model.safetensors").exists()  # the final model loads with --neural-model OUT

    longer = TrainConfig(max_steps=9, batch_size=2, learning_rate=2e-3, warmup_steps=0, save_every=3)
    seen: list[int] = []
    resumed = train_generator(ed_dir, str(tiny_dir), out, longer, resume=True, progress=False,
                              on_step=lambda step, loss: seen.append(step))
    assert resumed.resumed_from == 6 and seen == [7, 8, 9]
    assert resumed.eval_loss_before == first.eval_loss_before  # carried over from the checkpoint
    state = json.loads((latest_checkpoint(out) / "trainer_state.json").read_text())
    assert state["step"] == 9 and len(state["losses"]) == 9
    assert len(list(out.glob("checkpoint-*"))) == 2  # older checkpoints pruned


def test_cli_train_generator(ed_dir, tiny_dir, tmp_path):
    from cli.main import cli

    out = tmp_path / "cli-gen"
    args = ["train", "generator", "--data", str(ed_dir), "--model", str(tiny_dir), "--out", str(out),
            "--max-steps", "2", "--batch-size", "2", "--device", "cpu"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "trained 2 steps" in result.output and (out / "config.json").exists()

    bad = CliRunner().invoke(cli, ["train", "generator", "--data", str(ed_dir), "--model", str(tmp_path / "none"),
                                   "--out", str(out)])
    assert bad.exit_code == 2 and "not found" in bad.output and "Traceback" not in bad.output
