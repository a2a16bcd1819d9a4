"""``chirpy train generator``: fine-tune the neural chit-chat model on EmpatheticDialogues CSVs."""

from __future__ import annotations

import click

from chirpy.errors import ChirpyError


@click.command("generator")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True),
              help="Directory of EmpatheticDialogues CSVs (train.csv, optional valid.csv).")
@click.option("--model", "model", default="gpt2", show_default=True,
              help="Base causal LM: hub name (must be in the local cache when offline) or local directory.")
@click.option("--out", "out_dir", default="models/generator", show_default=True, type=click.Path(file_okay=False),
              help="Where checkpoints and the final model are written.")
@click.option("--resume", is_flag=True, help="Continue from the latest checkpoint in --out.")
@click.option("--epochs", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--max-steps", default=None, type=click.IntRange(min=1), help="Stop after this many steps.")
@click.option("--batch-size", default=8, show_default=True, type=click.IntRange(min=1))
@click.option("--lr", "learning_rate", default=5e-5, show_default=True, type=float)
@click.option("--max-length", default=256, show_default=True, type=click.IntRange(min=8),
              help="Tokens per training sequence.")
@click.option("--save-every", default=500, show_default=True, type=click.IntRange(min=1),
              help="Checkpoint every N steps.")
@click.option("--device", default="auto", show_default=True, type=click.Choice(["auto", "cpu", "cuda"]))
@click.option("--seed", default=0, show_default=True, type=int)
def train_generator_command(data_dir: str, model: str, out_dir: str, resume: bool, epochs: int,
                            max_steps: int | None, batch_size: int, learning_rate: float, max_length: int,
                            save_every: int, device: str, seed: int) -> None:
    """Fine-tune a causal LM (GPT-2 by default) for neural chit-chat; runs on CPU or GPU."""
    from responders.neural.empathetic import DataFormatError
    from responders.neural.finetune import TrainConfig, train_generator
    from responders.neural.loading import ModelLoadError

    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ChirpyError("--device cuda: no CUDA GPU is available")
    config = TrainConfig(epochs=epochs, max_steps=max_steps, batch_size=batch_size, learning_rate=learning_rate,
                         max_length=max_length, save_every=save_every, device=device, seed=seed)
    try:
        result = train_generator(data_dir, model, out_dir, config, resume=resume)
    except (DataFormatError, ModelLoadError, ValueError) as exc:
        raise ChirpyError(str(exc)) from None
    note = f" (resumed at step {result.resumed_from})" if result.resumed_from else ""
    click.echo(f"trained {result.steps} steps{note}; held-out loss {result.eval_loss_before:.3f} -> "
               f"{result.eval_loss_after:.3f}; model saved to {result.out_dir}")
    click.echo(f"chat with it: chirpy chat --neural-model {result.out_dir}")
