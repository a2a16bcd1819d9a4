"""Build a tiny GPT-2 (random weights + a byte-level BPE tokenizer trained on the spot).

Why: tests, demos and CI must never download a model, yet the neural path (loading, the shared-cache
generator, filters, fine-tuning) should run end to end. A 2-layer model with a few-hundred-token
vocabulary saves and reloads offline in well under a second and exercises the same code as GPT-2.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_CORPUS = (
    "how was your day? it was good, thanks for asking.\n"
    "i went to the park with my dog and we played fetch.\n"
    "that sounds like fun! what did you do this weekend?\n"
    "i watched a movie and cooked dinner for my friends.\n"
    "i love cooking pasta. do you like to cook?\n"
    "my day was long, i had a lot of work to do.\n"
    "i am sorry to hear that. i hope tomorrow is better.\n"
    "i feel happy today because the sun is out.\n"
    "we went hiking in the mountains and saw a lake.\n"
    "i read a great book about space and the stars.\n"
)


def build_tiny_gpt2(
    out_dir: str | Path,
    *,
    corpus: str | None = None,
    vocab_size: int = 320,
    n_layer: int = 2,
    n_embd: int = 64,
    n_head: int = 2,
    n_positions: int = 256,
    seed: int = 0,
    train_steps: int = 0,
) -> Path:
    """Save a small GPT-2 and its tokenizer to ``out_dir``; return the directory.

    Weights are random unless ``train_steps`` > 0, which fits the model to ``corpus`` for that many
    steps (~1 s for 100): then it answers in corpus-like words, for demos and tests that want
    non-degenerate greedy output. The directory loads offline with ``load_model(out_dir)``.
    """
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    text = (corpus or DEFAULT_CORPUS) * 4
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        text.splitlines(keepends=True),
        vocab_size=vocab_size,
        min_frequency=1,
        special_tokens=["<|endoftext|>"],
        show_progress=False,
    )
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=bpe._tokenizer,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.save_pretrained(out)

    torch.manual_seed(seed)
    eos_id = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=n_positions,
        n_embd=n_embd,
        n_layer=n_layer,
        n_head=n_head,
        bos_token_id=eos_id,
        eos_token_id=eos_id,
    )
    model = GPT2LMHeadModel(config)
    model.generation_config.pad_token_id = eos_id
    if train_steps > 0:
        _fit(model, tokenizer, (corpus or DEFAULT_CORPUS).splitlines(), train_steps)
    model.save_pretrained(out)
    return out


def _fit(model: object, tokenizer: object, lines: list[str], steps: int) -> None:
    """A few full-batch AdamW steps on the corpus in the generation layout (history.py)."""
    import torch

    from responders.neural.finetune import batches, conversation_ids

    convs = [lines[i : i + 4] for i in range(0, len(lines), 2) if lines[i : i + 4]]
    seqs = conversation_ids(tokenizer, convs, model.config.n_positions)
    batch = next(batches(seqs, len(seqs), tokenizer.eos_token_id, list(range(len(seqs)))))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        model(**batch).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
