"""Published figures the model catalog must hold, each with the primary source it comes from.

The expected values are typed here from the sources (not read back from the CSV), so a hand
edit of models.csv that changes one fails a test.
"""

from __future__ import annotations

import pytest

from flopsheet.models import field, resolve

# (model, field, value, source)
PUBLISHED = [
    # DeepSeek-V3 technical report, arXiv:2412.19437: abstract and Table 1 (2.788M H800 GPU hours),
    # Section 4.1 (14.8T tokens), Section 4.2 (61 layers, KV compression 512, RoPE dim 64).
    ("DeepSeek-V3", "gpu_hours", 2.788e6, "arXiv:2412.19437 Table 1"),
    ("DeepSeek-V3", "training_tokens", 14.8e12, "arXiv:2412.19437 Section 4.1"),
    ("DeepSeek-V3", "total_params", 671e9, "arXiv:2412.19437 abstract"),
    ("DeepSeek-V3", "active_params", 37e9, "arXiv:2412.19437 abstract"),
    ("DeepSeek-V3", "kv_lora_rank", 512, "arXiv:2412.19437 Section 4.2; config_671B.json"),
    ("DeepSeek-V3", "qk_rope_head_dim", 64, "arXiv:2412.19437 Section 4.2; config_671B.json"),
    ("DeepSeek-V3", "layers", 61, "arXiv:2412.19437 Section 4.2"),
    ("DeepSeek-V3", "experts", 256, "arXiv:2412.19437 Section 4.2"),
    ("DeepSeek-V3", "experts_per_token", 8, "arXiv:2412.19437 Section 4.2"),
    ("DeepSeek-V3", "training_hardware", "H800 SXM", "arXiv:2412.19437 Section 3.1"),
    # Llama 3.1 405B: the Llama 3 paper arXiv:2407.21783 Section 1 (3.8e25 FLOPs, 15.6T tokens);
    # the Llama 3.1 model card (30.84M H100 hours); sku_list.py (126 layers, 16384, 128 / 8 heads).
    ("Llama 3.1 405B", "training_flops", 3.8e25, "arXiv:2407.21783 Section 1"),
    ("Llama 3.1 405B", "gpu_hours", 30.84e6, "llama-models MODEL_CARD.md, Llama 3.1"),
    ("Llama 3.1 405B", "training_tokens", 15.6e12, "arXiv:2407.21783 Section 1 (card: 15T+)"),
    ("Llama 3.1 405B", "layers", 126, "llama-models sku_list.py"),
    ("Llama 3.1 405B", "d_model", 16384, "llama-models sku_list.py"),
    ("Llama 3.1 405B", "heads", 128, "llama-models sku_list.py"),
    ("Llama 3.1 405B", "kv_heads", 8, "llama-models sku_list.py"),
    ("Llama 3.1 405B", "vocab", 128256, "llama-models sku_list.py"),
    ("Llama 3.1 405B", "context", 131072, "llama-models sku_list.py"),
    # PaLM, arXiv:2204.02311: 6144 TPU v4 chips, MFU 46.2%, 780B tokens.
    ("PaLM 540B", "training_flops", 2.527e24, "arXiv:2204.02311"),
    ("PaLM 540B", "mfu", 0.462, "arXiv:2204.02311 Section 4.1"),
    ("PaLM 540B", "training_chips", 6144, "arXiv:2204.02311 Section 4"),
    ("PaLM 540B", "training_hardware", "TPU v4", "arXiv:2204.02311 Section 4"),
    ("PaLM 540B", "training_tokens", 780e9, "arXiv:2204.02311 Section 3"),
    ("PaLM 540B", "kv_heads", 1, "arXiv:2204.02311 Table 1 (multi-query attention)"),
    # BLOOM, arXiv:2211.05100 Section 3.4.1: 1,082,990 compute hours on 384 A100 80GB.
    ("BLOOM 176B", "gpu_hours", 1082990, "arXiv:2211.05100 Section 3.4.1"),
    ("BLOOM 176B", "training_chips", 384, "arXiv:2211.05100 Section 3.4.1"),
    # GPT-3, arXiv:2005.14165: Table D.1 3.14E+23 FLOPs; 300B tokens.
    ("GPT-3 175B", "training_flops", 3.14e23, "arXiv:2005.14165 Table D.1"),
    ("GPT-3 175B", "training_tokens", 300e9, "arXiv:2005.14165 Table 2.2"),
    ("GPT-3 175B", "total_params", 175e9, "arXiv:2005.14165 Table 2.1"),
    # Chinchilla, arXiv:2203.15556 Table 4: 1.4T tokens.
    ("Chinchilla 70B", "training_tokens", 1.4e12, "arXiv:2203.15556 Table 4"),
    ("Chinchilla 70B", "total_params", 70e9, "arXiv:2203.15556 Table 4"),
    # Kimi K2 README model summary.
    ("Kimi K2", "experts", 384, "MoonshotAI/Kimi-K2 README"),
    ("Kimi K2", "shared_experts", 1, "MoonshotAI/Kimi-K2 README"),
    ("Kimi K2", "training_tokens", 15.5e12, "MoonshotAI/Kimi-K2 README"),
    # Llama 4 model card.
    ("Llama 4 Maverick", "gpu_hours", 2.38e6, "llama-models llama4 MODEL_CARD.md"),
    ("Llama 4 Scout", "gpu_hours", 5.0e6, "llama-models llama4 MODEL_CARD.md"),
    # gpt-oss model card Table 1 and the reference implementation.
    ("gpt-oss-120b", "total_params", 116.83e9, "arXiv:2508.10925 Table 1"),
    ("gpt-oss-120b", "active_params", 5.13e9, "arXiv:2508.10925 Table 1"),
    ("gpt-oss-120b", "sliding_window", 128, "openai/gpt-oss gpt_oss/torch/model.py"),
    # issue 23. Llama 3.3 70B: the llama-models card (7.0M H100 hours, 15T+ tokens, 128k) and
    # sku_list.py's arch_args (dim 8192, 80 layers, 64 / 8 heads, vocab 128256).
    ("Llama 3.3 70B", "gpu_hours", 7.0e6, "llama-models llama3_3/MODEL_CARD.md"),
    ("Llama 3.3 70B", "training_tokens", 15e12, "llama-models llama3_3/MODEL_CARD.md"),
    ("Llama 3.3 70B", "layers", 80, "llama-models sku_list.py llama3_3_instruct_models"),
    ("Llama 3.3 70B", "d_model", 8192, "llama-models sku_list.py llama3_3_instruct_models"),
    ("Llama 3.3 70B", "kv_heads", 8, "llama-models sku_list.py llama3_3_instruct_models"),
    ("Llama 3.3 70B", "vocab", 128256, "llama-models sku_list.py LLAMA3_VOCAB_SIZE"),
    ("Llama 3.3 70B", "training_hardware", "H100 SXM", "llama-models llama3_3/MODEL_CARD.md"),
    # Mistral Large 2: Mistral's post (123B, 128k) and the config.json shape.
    ("Mistral Large 2", "total_params", 123e9, "mistral.ai/news/mistral-large-2407"),
    ("Mistral Large 2", "layers", 88, "Mistral-Large-Instruct-2407 config.json num_hidden_layers"),
    ("Mistral Large 2", "d_model", 12288, "config.json hidden_size"),
    ("Mistral Large 2", "heads", 96, "config.json num_attention_heads"),
    ("Mistral Large 2", "kv_heads", 8, "config.json num_key_value_heads"),
    ("Mistral Large 2", "vocab", 32768, "config.json vocab_size"),
    ("Mistral Large 2", "context", 131072, "config.json max_position_embeddings"),
    # GLM-4.5: the zai-org/GLM-4.5 README (355B / 32B) and the report's architecture table.
    ("GLM-4.5", "total_params", 355e9, "zai-org/GLM-4.5 README"),
    ("GLM-4.5", "active_params", 32e9, "zai-org/GLM-4.5 README"),
    ("GLM-4.5", "layers", 92, "arXiv:2508.06471 architecture table: 3 dense + 89 MoE"),
    ("GLM-4.5", "moe_layers", 89, "arXiv:2508.06471 architecture table"),
    ("GLM-4.5", "experts", 160, "arXiv:2508.06471 architecture table"),
    ("GLM-4.5", "experts_per_token", 8, "arXiv:2508.06471 architecture table"),
    ("GLM-4.5", "shared_experts", 1, "arXiv:2508.06471 architecture table"),
    ("GLM-4.5", "heads", 96, "arXiv:2508.06471 architecture table"),
    ("GLM-4.5", "kv_heads", 8, "arXiv:2508.06471 architecture table"),
    ("GLM-4.5", "vocab", 151552, "arXiv:2508.06471 architecture table"),
    # GLM-4.5-Air: the zai-org/GLM-4.5 README at 08158da (106B / 12B, 128K) and its config.json.
    ("GLM-4.5-Air", "total_params", 106e9, "zai-org/GLM-4.5 README: 106 billion total"),
    ("GLM-4.5-Air", "active_params", 12e9, "zai-org/GLM-4.5 README: 12 billion active"),
    ("GLM-4.5-Air", "layers", 46, "GLM-4.5-Air config.json num_hidden_layers"),
    ("GLM-4.5-Air", "moe_layers", 45, "config.json: 46 layers, first_k_dense_replace 1"),
    ("GLM-4.5-Air", "experts", 128, "config.json n_routed_experts"),
    ("GLM-4.5-Air", "d_model", 4096, "config.json hidden_size"),
    ("GLM-4.5-Air", "context", 131072, "README 128K; config.json max_position_embeddings"),
    # Qwen3 dense sizes: the Qwen3 blog's dense-model table (2025-04-29) and the model cards.
    ("Qwen3 14B", "total_params", 14.8e9, "Qwen/Qwen3-14B model card: 14.8B"),
    ("Qwen3 14B", "layers", 40, "Qwen3 blog table; model card"),
    ("Qwen3 14B", "heads", 40, "Qwen3 blog table: 40 / 8"),
    ("Qwen3 8B", "layers", 36, "Qwen3 blog table"),
    ("Qwen3 8B", "kv_heads", 8, "Qwen3 blog table: 32 / 8"),
    ("Qwen3 4B", "layers", 36, "Qwen3 blog table"),
    ("Qwen3 4B", "d_model", 2560, "Qwen3-4B config.json hidden_size"),
    ("Qwen3 4B", "context", 40960, "config.json max_position_embeddings; Qwen3 docs: 32,768 for outputs + 8,192"),
    ("Qwen3 235B-A22B", "context", 40960, "Qwen3 docs (deployment/vllm.md at 7a2f61f): config.json's 40,960"),
    # Qwen3-Coder README at 0e7ecb7: 480B MoE, 35B active, native 256K.
    ("Qwen3-Coder 480B-A35B", "total_params", 480e9, "QwenLM/Qwen3-Coder README"),
    ("Qwen3-Coder 480B-A35B", "active_params", 35e9, "QwenLM/Qwen3-Coder README"),
    ("Qwen3-Coder 480B-A35B", "context", 262144, "QwenLM/Qwen3-Coder README: 256K"),
    # DeepSeek-V3.1 model card: 671B / 37B, 128K; the V3 checkpoint's shape.
    ("DeepSeek-V3.1", "total_params", 671e9, "deepseek-ai/DeepSeek-V3.1 model card"),
    ("DeepSeek-V3.1", "active_params", 37e9, "deepseek-ai/DeepSeek-V3.1 model card"),
    ("DeepSeek-V3.1", "context", 131072, "deepseek-ai/DeepSeek-V3.1 model card: 128K"),
]


@pytest.mark.parametrize(("model", "name", "value", "source"), PUBLISHED, ids=[f"{m}:{f}" for m, f, _, _ in PUBLISHED])
def test_published_figure(model, name, value, source):
    got = field(model, name)
    if isinstance(value, str):
        assert got == value, source
    else:
        assert got == pytest.approx(value, rel=1e-9), source


@pytest.mark.parametrize(
    ("model", "source_part"),
    [
        ("DeepSeek-V3", "arxiv.org/abs/2412.19437"),
        ("Llama 3.1 405B", "arxiv.org/abs/2407.21783"),
        ("Llama 3.1 405B", "llama3_1/MODEL_CARD.md"),
        ("PaLM 540B", "arxiv.org/abs/2204.02311"),
        ("BLOOM 176B", "arxiv.org/abs/2211.05100"),
        ("GPT-3 175B", "arxiv.org/abs/2005.14165"),
        ("Chinchilla 70B", "arxiv.org/abs/2203.15556"),
        ("Llama 3.3 70B", "llama3_3/MODEL_CARD.md"),
        ("Llama 3.3 70B", "models/sku_list.py"),
        ("Mistral Large 2", "mistral.ai/news/mistral-large-2407"),
        ("Mistral Large 2", "mistralai/Mistral-Large-Instruct-2407/blob/main/config.json"),
        ("GLM-4.5", "github.com/zai-org/GLM-4.5"),
        ("GLM-4.5", "arxiv.org/abs/2508.06471"),
        ("GLM-4.5-Air", "github.com/zai-org/GLM-4.5/blob/08158da0b5cb63e7e9da9529482cc5d30e2a7437/README.md"),
        ("Qwen3 14B", "qwenlm.github.io/blog/qwen3/"),
        ("Qwen3-Coder 480B-A35B", "github.com/QwenLM/Qwen3-Coder/blob/0e7ecb708645fb4dcf08fef7a0dc80b79895cbaa"),
        ("DeepSeek-V3.1", "huggingface.co/deepseek-ai/DeepSeek-V3.1"),
    ],
)
def test_published_figures_cite_their_source(model, source_part):
    assert source_part in resolve(model).source


def test_palm_hours_are_the_two_stages_of_appendix_b():
    # "6144 TPU v4 chips for 1200 hours and 3072 TPU v4 chips for 336 hours" (arXiv:2204.02311 App. B)
    assert field("PaLM 540B", "gpu_hours") == 6144 * 1200 + 3072 * 336


@pytest.mark.parametrize("other", ["DeepSeek-R1", "DeepSeek-V3.1"])
def test_deepseek_r1_and_v3_1_share_deepseek_v3_architecture(other):
    v3, r1 = resolve("DeepSeek-V3"), resolve(other)
    for name in (
        "total_params",
        "active_params",
        "layers",
        "d_model",
        "heads",
        "kv_lora_rank",
        "qk_rope_head_dim",
        "experts",
        "experts_per_token",
        "shared_experts",
        "moe_layers",
        "vocab",
    ):
        assert getattr(v3, name) == getattr(r1, name), name
    assert v3.family == r1.family
