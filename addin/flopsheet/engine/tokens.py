"""Tokens: images and video cut into patches, text by tokenizer rules of thumb."""

from __future__ import annotations

from flopsheet.engine._checks import POSITIVE, WHOLE, ceil_whole, quantity

# Tokens per unit of text, vendors' published rules of thumb (shared reference tokenizers.md):
# OpenAI: 1 token ~ 0.75 English word; DeepSeek API docs: 0.3 token per English character,
# 0.6 token per Chinese character. Moonshot (Kimi) states 1.5-2 hanzi per token (0.5-0.67).
TOKENS_PER_UNIT = {"word": 4.0 / 3.0, "en_char": 0.3, "zh_char": 0.6}


@quantity(height=POSITIVE, width=POSITIVE, patch=WHOLE)
def image_tokens(height, width, patch=16.0):
    """Patches of a ViT-style encoder (Dosovitskiy et al. 2021, ViT; Bao et al. 2022, BEiT: a
    224x224 image in 16x16 patches is 196 tokens). A partial patch still costs a token; patches
    are counted by the count rule (`ceil_whole`), so 2240*0.1 pixels is 224, not 224.00000000000003."""
    return ceil_whole(height / patch) * ceil_whole(width / patch)


@quantity(frames=WHOLE, height=POSITIVE, width=POSITIVE, patch=WHOLE, temporal_patch=WHOLE)
def video_tokens(frames, height, width, patch=16.0, temporal_patch=1.0):
    """Spatio-temporal patches (ViViT tubelets, Arnab et al. 2021): frames are grouped
    `temporal_patch` at a time, each group cut like an image."""
    return ceil_whole(frames / temporal_patch) * ceil_whole(height / patch) * ceil_whole(width / patch)


@quantity(amount=POSITIVE, tokens_per_unit=POSITIVE)
def text_tokens(amount, tokens_per_unit=TOKENS_PER_UNIT["word"]):
    """Tokens in `amount` units of text at `tokens_per_unit` (see TOKENS_PER_UNIT)."""
    return amount * tokens_per_unit


@quantity(tokens=POSITIVE, tokens_per_word=POSITIVE)
def tokens_to_words(tokens, tokens_per_word=TOKENS_PER_UNIT["word"]):
    """English words that `tokens` tokens make (4/3 tokens per word: 196 tokens = 147 words)."""
    return tokens / tokens_per_word
