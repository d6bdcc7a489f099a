"""Valid tensor-parallel degrees (issue 20, items 2 and 6): the rule vLLM and TensorRT-LLM enforce
(a degree divides the attention heads; KV heads split or are replicated evenly) inside one NVLink
domain, and the fewest valid GPUs whose usable memory holds a model."""

import numpy as np
import pytest

from flopsheet.engine import tensor_parallel as tp


@pytest.mark.parametrize(
    "heads, kv_heads, want",
    [
        (64, 8, [1, 2, 4, 8]),  # Llama 3.1 70B: 3, 5, 6, 7 leave heads split unevenly
        (40, 8, [1, 2, 4, 8]),  # Llama 4: 40 heads
        (28, 4, [1, 2, 4]),  # Qwen2.5 7B-like: 28 heads, 8 does not divide 28
        (24, 8, [1, 2, 4, 8]),  # 3 divides 24, but 8 KV heads do not split 3 ways, nor 3 % 8
        (12, 12, [1, 2, 3, 4, 6]),  # MHA: 12 heads and 12 KV heads
        (128, 1, [1, 2, 4, 8]),  # MLA (one latent, kv_heads = 1): any divisor of the heads
        (0, 0, [1, 2, 3, 4, 5, 6, 7, 8]),  # a plain parameter count: only the domain bounds it
    ],
)
def test_valid_degrees_divide_the_heads_and_split_the_kv_heads(heads, kv_heads, want):
    assert tp.valid_tp_degrees(heads, kv_heads) == want


def test_the_domain_is_8_unless_given():
    assert tp.SCALE_UP_GPUS == 8
    assert tp.valid_tp_degrees(64, 8, 72) == [1, 2, 4, 8, 16, 32, 64]
    assert not tp.is_valid_degree(16, 64, 8)
    assert tp.is_valid_degree(16, 64, 8, 72)


def test_a_refused_degree_names_the_valid_ones():
    msg = tp.degree_message(3, 64, 8)
    assert "gpus = 3" in msg and "1, 2, 4 or 8" in msg and "64 attention heads" in msg
    assert "8-GPU NVLink domain" in tp.degree_message(16, 0, 0)


def test_fewest_gpus_is_the_smallest_valid_degree_that_holds_the_model():
    # Llama 3.1 70B in BF16: 141.1 GB over 72 GB usable per H100 (0.9 x 80) -> 2 GPUs
    assert tp.fewest_gpus(141.1, 72.0, 64, 8) == 2
    # 150 GB needs 3 by memory, but 3 is not a valid degree for 64 heads: 4
    assert tp.fewest_gpus(150.0, 72.0, 64, 8) == 4
    # a plain count: 3 is fine
    assert tp.fewest_gpus(150.0, 72.0) == 3
    # 405B in BF16 (810 GB) holds on no 8-GPU H100 group: NaN, the caller's error
    assert np.isnan(tp.fewest_gpus(810.0, 72.0, 128, 8))
    # elementwise, and the need may depend on the degree (a cache replicated per GPU beyond the KV heads)
    got = tp.fewest_gpus(np.array([10.0, 141.1, 500.0]), 72.0, 64, 8)
    assert got.tolist() == [1.0, 2.0, 8.0]
    assert tp.fewest_gpus(lambda d: 100.0 + 10.0 * d, 72.0, 64, 8) == 2  # 120 <= 144


def test_serving_functions_keep_the_8_gpu_domain_that_their_twins_can_reproduce():
    # engine.tensor_parallel's docstring: the layouts read the platform's domain (72 on a GB200 NVL72 rack), the
    # serving functions SCALE_UP_GPUS, because a 72-GPU domain would add degrees above 8 that catalog models need,
    # which the hand-off twins' chain over 1..8 cannot give. The reason, from the catalogs:
    from flopsheet import catalog
    from flopsheet import functions as F
    from flopsheet.catalog.platforms import platform
    from flopsheet.engine.inference import USABLE_FRACTION
    from flopsheet.errors import FlopsheetError
    from flopsheet.functions import layout as L

    usable = catalog.resolve("GB200").memory_gb * USABLE_FRACTION
    domain = platform("GB200").scaleup_gpus
    weights = F.WEIGHTS_GB("DeepSeek-V3", 2)  # 1,342 GB in BF16; an MLA latent: kv_heads 1
    in_rack = tp.fewest_gpus(weights, usable, F.MODEL_SPEC("DeepSeek-V3", "heads"), 1, domain)
    assert domain == 72 and in_rack == 16 and np.isnan(tp.fewest_gpus(weights, usable, 128, 1))
    # the behaviour: the serving functions refuse TP16 and a blank gpus on a GB200; the layouts accept TP16
    with pytest.raises(FlopsheetError, match=r"gpus = 16 .*8-GPU NVLink domain"):
        F.DECODE_MS("DeepSeek-V3", "GB200", 1, 2, 16)
    with pytest.raises(FlopsheetError, match=r"at most 8 x 167.4 GB"):
        F.DECODE_MS("DeepSeek-V3", "GB200")
    assert L.bind("DeepSeek-V3", "GB200", "TP16")["layout"].tp == 16
    with pytest.raises(FlopsheetError, match=r"72 GPUs.*valid: TP1, TP2, TP4, TP8, TP16, TP32 or TP64"):
        L.bind("DeepSeek-V3", "GB200", "TP48")
