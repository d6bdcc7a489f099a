"""docs/parallelism.md's worked examples are what the functions return today: each figure it quotes is computed here
and looked for in its text, so a refit that moves one fails until the page is updated (as test_itl does for
docs/functions.md's paragraph on the serving batch)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopsheet import functions as F
from flopsheet.functions.layout import ep_prefill, ep_serving

DOC = Path(__file__).resolve().parents[2] / "docs" / "parallelism.md"


@pytest.fixture(scope="module")
def text() -> str:
    return " ".join(DOC.read_text(encoding="utf-8").split())


def test_the_deepseek_examples(text):
    node = F.LAYOUT_TOKENS_PER_SECOND("DeepSeek-V3", "H800", "EP144", 0, 1000, "fp8", None, None, 4989) / 18
    assert f"-> {node:,.0f} output tokens/s a node (DeepSeek: ~14.8k)" in text
    prefill = F.LAYOUT_PREFILL_TOKENS_PER_SECOND("DeepSeek-V3", "H100", "EP32", 2000, "fp8") / 4
    assert f"-> {prefill:,.0f} prompt tokens/s a node (SGLang on 96 H100s: 52.3k)" in text
    step = F.LAYOUT_DECODE_MS("DeepSeek-R1", "B200", "TP8 EP8", 8, 5930, "fp8", 1)
    assert f"({step:.1f} ms; ML.ENERGY's vLLM run: 18.4 ms)" in text
    loaded = F.LAYOUT_DECODE_MS("DeepSeek-V3.1", "B200", "TP8 EP8", 256, 4664, "fp8", 1, 68)
    alone = F.LAYOUT_DECODE_MS("DeepSeek-V3.1", "B200", "TP8 EP8", 256, 4664, "fp8", 1)
    assert f"gives {loaded:.1f} ms ({alone:.1f} ms for the GPUs alone;" in text
    served = ep_serving("DeepSeek-V3", "H800", "EP144", 0, 1000, precision="fp8", context=4989)
    assert (
        f"# batch {served['batch']:,.0f} ({served['batch'] / 144:.0f} a GPU), step {served['step_ms']:.1f} ms, "
        f"{served['per_gpu']:,.0f} output tokens/s a GPU (DeepSeek: ~1,850)"
    ) in text
    per_gpu = ep_prefill("DeepSeek-V3", "H100", "EP32", 2000, precision="fp8")["per_gpu"]
    assert f"# {per_gpu:,.0f} prompt tokens/s a GPU" in text


def test_the_cpu_time_and_checkpoint_examples(text):
    with_cpu = ep_serving("Qwen3 30B-A3B", "B200", "EP2", 1000, 1000, precision="fp4", kv_bytes=1, host_us=68)
    without = ep_serving("Qwen3 30B-A3B", "B200", "EP2", 1000, 1000, precision="fp4", kv_bytes=1)
    assert (
        f"gives {with_cpu['tokens_per_s']:,.0f} output tokens/s at {with_cpu['batch']:,.0f} sequences "
        f"({without['tokens_per_s']:,.0f} at {without['batch']:,.0f} without the CPU time)"
    ) in text
    assert with_cpu["tokens_per_s"] == F.LAYOUT_TOKENS_PER_SECOND(
        "Qwen3 30B-A3B", "B200", "EP2", 1000, 1000, "fp4", None, None, None, 1, None, 68
    )
    mxfp4 = F.LAYOUT_TOKENS_PER_SECOND("gpt-oss-120b", "H100", "EP4", 1000, 1000, "bf16", None, None, None, 2, 0.5) / 4
    fp8 = F.LAYOUT_TOKENS_PER_SECOND("gpt-oss-120b", "H100", "EP4", 1000, 1000, "fp8", None, None, None, 2) / 4
    assert f"gives {mxfp4:,.0f} output tokens/s a GPU at the steady batch" in text
    assert f'(typed "fp8", {fp8:,.0f}: the FP8 peak Hopper does not use' in text
