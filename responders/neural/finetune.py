"""Fine-tune a causal LM on EmpatheticDialogues so it chats about feelings and everyday life.

Each conversation becomes one training sequence in exactly the layout generation uses
(history.py: ``<eos>`` then one utterance per line), so the model learns to answer with one line
and stop at the newline. Runs on a GPU when present and on a CPU otherwise (slowly). Checkpoints
(model, tokenizer, optimizer, scheduler, step) are written every ``save_every`` steps to
``OUT/checkpoint-STEP``; ``resume=True`` continues from the latest one with the same data order.
"""

from __future__ import annotations

import json
import math
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from responders.neural.empathetic import read_split
from responders.neural.history import encode_turn
from responders.neural.loading import load_model

STATE_FILE = "trainer_state.json"


@dataclass
class TrainConfig:
    epochs: int = 1
    max_steps: int | None = None  # stop after this many optimizer steps (overrides epochs)
    batch_size: int = 8
    learning_rate: float = 5e-5
    warmup_steps: int = 100
    max_length: int = 256  # tokens per conversation (longer ones are split)
    save_every: int = 500
    keep_checkpoints: int = 2
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda


@dataclass
class TrainResult:
    out_dir: Path
    steps: int
    eval_loss_before: float
    eval_loss_after: float
    losses: list[float] = field(default_factory=list)
    resumed_from: int = 0


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def conversation_ids(tokenizer: Any, conversations: list[list[str]], max_length: int) -> list[list[int]]:
    """Token sequences (history layout), split into ``max_length`` windows."""
    seqs: list[list[int]] = []
    for conv in conversations:
        ids = [tokenizer.eos_token_id] + [t for turn in conv for t in encode_turn(tokenizer, turn)]
        for start in range(0, len(ids), max_length):
            chunk = ids[start : start + max_length]
            if len(chunk) > 1:
                seqs.append(chunk)
    return seqs


def batches(seqs: list[list[int]], size: int, pad_id: int, order: list[int]) -> Iterator[dict[str, torch.Tensor]]:
    for start in range(0, len(order), size):
        rows = [seqs[i] for i in order[start : start + size]]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        labels = ids.masked_fill(mask == 0, -100)  # padding does not count toward the loss
        yield {"input_ids": ids, "attention_mask": mask, "labels": labels}


def epoch_order(n: int, seed: int, epoch: int) -> list[int]:
    order = list(range(n))
    random.Random(seed * 1000 + epoch).shuffle(order)
    return order


@torch.no_grad()
def evaluate(model: Any, seqs: list[list[int]], cfg: TrainConfig, pad_id: int, device: torch.device) -> float:
    model.eval()
    total, tokens = 0.0, 0
    for batch in batches(seqs, cfg.batch_size, pad_id, list(range(len(seqs)))):
        batch = {k: v.to(device) for k, v in batch.items()}
        n = int((batch["labels"][:, 1:] != -100).sum())
        total += float(model(**batch).loss) * n
        tokens += n
    return total / max(1, tokens)


def latest_checkpoint(out_dir: Path) -> Path | None:
    found = [p for p in out_dir.glob("checkpoint-*") if (p / STATE_FILE).exists()]
    return max(found, key=lambda p: int(p.name.split("-")[1]), default=None)


def save_checkpoint(out_dir: Path, step: int, model: Any, tokenizer: Any, optimizer: Any, scheduler: Any,
                    state: dict[str, Any], keep: int) -> Path:
    path = out_dir / f"checkpoint-{step}"
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, path / "optimizer.pt")
    (path / STATE_FILE).write_text(json.dumps(state, indent=1))  # written last: marks the checkpoint complete
    old = sorted((p for p in out_dir.glob("checkpoint-*") if p != path), key=lambda p: int(p.name.split("-")[1]))
    for stale in old[: max(0, len(old) - (keep - 1))]:
        shutil.rmtree(stale, ignore_errors=True)
    return path


def train_generator(
    data_dir: str | Path,
    model_name: str,
    out_dir: str | Path,
    config: TrainConfig | None = None,
    *,
    resume: bool = False,
    progress: bool = True,
    on_step: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Fine-tune ``model_name`` on the EmpatheticDialogues CSVs in ``data_dir``; save to ``out_dir``."""
    from transformers import get_linear_schedule_with_warmup

    cfg = config or TrainConfig()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = pick_device(cfg.device)
    torch.manual_seed(cfg.seed)

    checkpoint = latest_checkpoint(out) if resume else None
    loaded = load_model(checkpoint or model_name, precision="fp32", allow_download=True)
    model, tokenizer = loaded.model.to(device), loaded.tokenizer
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    max_len = min(cfg.max_length, loaded.max_positions)

    train = conversation_ids(tokenizer, read_split(data_dir, "train"), max_len)
    if not train:
        raise ValueError(f"no training conversations found in {data_dir}")
    held_out = conversation_ids(tokenizer, read_split(data_dir, "valid"), max_len) or train
    per_epoch = math.ceil(len(train) / cfg.batch_size)
    total = cfg.max_steps or per_epoch * cfg.epochs

    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, min(cfg.warmup_steps, total // 10), total)
    step, losses, before = 0, [], None
    if checkpoint is not None:
        state = json.loads((checkpoint / STATE_FILE).read_text())
        saved = torch.load(checkpoint / "optimizer.pt", map_location=device, weights_only=True)
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        step, losses, before = state["step"], state["losses"], state["eval_loss_before"]
    resumed_from = step
    if before is None:
        before = evaluate(model, held_out, cfg, pad_id, device)

    bar = _progress(progress)
    task = bar.add_task("fine-tuning", total=total, completed=step) if bar else None
    try:
        if bar:
            bar.start()
        while step < total:
            epoch, skip = divmod(step, per_epoch)
            model.train()
            for i, batch in enumerate(batches(train, cfg.batch_size, pad_id, epoch_order(len(train), cfg.seed, epoch))):
                if i < skip:
                    continue  # resume: replay the same data order without redoing finished steps
                loss = model(**{k: v.to(device) for k, v in batch.items()}).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                value = loss.item()
                losses.append(round(value, 5))
                if bar:
                    bar.update(task, advance=1, description=f"fine-tuning  loss {value:.3f}")
                if on_step:
                    on_step(step, value)
                if step % cfg.save_every == 0 or step == total:
                    state = {"step": step, "losses": losses, "eval_loss_before": before,
                             "model": model_name, "config": asdict(cfg)}
                    save_checkpoint(out, step, model, tokenizer, optimizer, scheduler, state, cfg.keep_checkpoints)
                if step >= total:
                    break
    finally:
        if bar:
            bar.stop()
    after = evaluate(model, held_out, cfg, pad_id, device)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return TrainResult(out, step, before, after, losses, resumed_from)


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
