"""Global assumptions: input cells on the Start sheet, each with an Excel defined name.

Shared by the template (which places them) and the hand-off (whose twins point at them).

Formulas say ``DefaultMFU`` or ``PUE`` instead of 0.4 or 1.2, so a reader sees what a number
means and a user changes it once. Values that are also function defaults are taken from the
function registry, so the workbook and the add-in can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from flopsheet import exceltext as st
from flopsheet.engine.inference import VLLM_HOST_US
from flopsheet.engine.training import (
    A2A_BYTES,
    SCALE_OUT_GBS,
    SECONDS_PER_DAY,
    STEP_FIXED_S,
    STEP_OVERHEAD_TOKENS,
    TRAIN_MFU,
    TRAIN_SHARE_4BIT,
    TRAIN_SHARE_8BIT,
    TRAIN_STEP_SHARE,
)


@dataclass(frozen=True)
class Assumption:
    name: str  # the defined name
    label: str
    value: float | str
    unit: str
    fmt: str
    source: str
    arg: str | None = None  # the function argument whose default this is (None: a constant such as SecondsPerDay)
    # the precisions whose blank training `mfu` this is (engine.training_mfu): the twins pick one by precision
    precisions: tuple[str, ...] = ()


def _default(function: str, arg: str) -> float | str:
    from flopsheet.functions import REGISTRY

    value = next(a.default for a in REGISTRY[function].args if a.name == arg)
    return value if isinstance(value, str) else float(value)


def assumptions() -> tuple[Assumption, ...]:
    return (
        Assumption(
            "DefaultMFU",
            "Model FLOPs utilization of inference's compute when a scenario leaves it blank",
            _default("INFER_SECONDS", "mfu"),
            "fraction",
            st.PCT,
            "Epoch AI: median MFU of known runs 0.375; PaLM 540B 0.462; Llama 3.1 405B 0.38-0.43",
            arg="mfu",
        ),
        Assumption(
            "TrainMFU",
            "Training MFU of a BF16/FP16 peak when a scenario leaves MFU blank",
            TRAIN_MFU,
            "fraction",
            st.PCT,
            "ESTIMATE: Epoch AI's median MFU of known runs 0.375 (https://epoch.ai/data/ai-models); per-step "
            "Llama 3.1 405B 0.38-0.43 (Dubey et al. 2024, Table 4), MegaScale 0.552 on 12,288 GPUs "
            "(arXiv:2402.15627); model cards' GPU-hours imply 0.16-0.50 (flopsheet tests/reference/measured.csv)",
            precisions=("bf16", "fp16", "tf32", "fp32"),
        ),
        Assumption(
            "TrainFP8Share",
            "Share of an FP8 (or INT8) peak a training run sustains when MFU is blank",
            TRAIN_SHARE_8BIT,
            "fraction",
            st.PCT,
            "ESTIMATE: median 0.359 of nine MLPerf Training v4.0/v5.0 time-to-train runs (H100, GB200 FP8; TPU "
            "v5p INT8); NVIDIA Megatron-Bridge 25.11 on H100 FP8: 719-744 of 1,979 TFLOPS (github.com/NVIDIA-"
            "NeMo/Megatron-Bridge, docs/performance-summary.md). Only the matrix multiplies run at the FP8 rate",
            precisions=("fp8", "int8"),
        ),
        Assumption(
            "TrainFP4Share",
            "Share of an FP4 peak a training run sustains when MFU is blank",
            TRAIN_SHARE_4BIT,
            "fraction",
            st.PCT,
            "ESTIMATE: NVFP4 ran MLPerf Training v5.1's Llama 3.1 405B about 1.4x as fast per GPU as v5.0's FP8 "
            "(18.79 min on 2,560 Blackwell GPUs against 26.93 min on 2,496; NVIDIA, 2025-11-12): 0.36 x 1.4 / 2",
            precisions=("fp4",),
        ),
        Assumption(
            "TrainStepShare",
            "TRAIN_MFU: share of a BF16 peak a dense model's training step reaches, attention counted",
            TRAIN_STEP_SHARE["bf16"],
            "fraction",
            st.PCT,
            "ESTIMATE fitted on all training rows of flopsheet tests/reference/measured.csv (MLPerf Training, "
            "Llama 1/2/3/4, BLOOM, DeepSeek cards); Llama 3.1 405B reports 0.38-0.43 per step (Dubey et al. 2024, "
            "Table 4)",
            precisions=("bf16", "fp16", "tf32", "fp32"),
        ),
        Assumption(
            "TrainStepFP8Share",
            "TRAIN_MFU: share of an FP8 (or INT8) peak a dense model's training step reaches, attention counted",
            TRAIN_STEP_SHARE["fp8"],
            "fraction",
            st.PCT,
            "ESTIMATE fitted as TrainStepShare; MLPerf Training v4.0/v5.0 GPT-3 175B and Llama 3.1 405B on 512 "
            "H100s reach 0.39-0.43 of the FP8 peak with attention counted",
            precisions=("fp8", "int8"),
        ),
        Assumption(
            "TrainStepFP4Share",
            "TRAIN_MFU: share of an FP4 peak a dense model's training step reaches",
            TRAIN_STEP_SHARE["fp4"],
            "fraction",
            st.PCT,
            "ESTIMATE fitted on Llama 3.1 8B on 8 GB200s and 8 GB300s in NVFP4 (MLPerf Training v5.1)",
            precisions=("fp4",),
        ),
        Assumption(
            "TrainA2ABytes",
            "TRAIN_MFU: exposed all-to-all bytes per routed expert, MoE layer, unit of width and token",
            A2A_BYTES,
            "bytes",
            st.TWO_DP,
            "ESTIMATE fitted on DeepSeek-V2/V3 and Llama 4 GPU-hours: dispatch and combine, forward and "
            "backward, are 8 bytes in BF16; DeepSeek-V3 report §3.2.1: about 1:1 computation to communication",
        ),
        Assumption(
            "ScaleOutGBs",
            "TRAIN_MFU: scale-out network per GPU, GB/s",
            SCALE_OUT_GBS,
            "GB/s",
            st.WHOLE,
            "One 400 Gb/s NIC per GPU: NVIDIA DGX H100 (8 ConnectX-7 at 400 Gb/s); DeepSeek-V3 report §3.1 "
            "(H800 nodes, 8 InfiniBand NICs of 400 Gb/s)",
        ),
        Assumption(
            "TrainStepOverheadTokens",
            "TRAIN_MFU: tokens per GPU a training step's fixed costs (bubble, gradient reduction) are worth",
            STEP_OVERHEAD_TOKENS,
            "tokens",
            st.WHOLE,
            "ESTIMATE fitted on MLPerf Training v4.0/v5.0 runs of one benchmark at two scales (GPT-3 on 512 and "
            "11,616 H100s; Llama 3.1 405B on 512-8,192 H100s and 512-2,496 GB200s; GPT-3 on TPU v5p)",
        ),
        Assumption(
            "TrainStepFixedS",
            "TRAIN_MFU: seconds a training step costs whatever the model and batch (launches, synchronisation)",
            STEP_FIXED_S,
            "s",
            st.THREE_DP,
            "ESTIMATE fitted with TrainStepOverheadTokens on MLPerf Training runs; Llama 3.1 8B on 72 and 512 "
            "GB200/GB300s (v5.1) is where it shows: small models at few tokens per GPU",
        ),
        Assumption(
            "DefaultGoodput",
            "Productive share of wall-clock time when a scenario leaves it blank",
            _default("GPU_DAYS", "goodput"),
            "fraction",
            st.PCT,
            "Llama 3.1 405B: 0.346 whole-run utilisation (3.8e25 FLOPs in 30.84M H100-hours) over its "
            "~0.40 MFU; PaLM and BLOOM ~0.65 (flopsheet engine/training.py)",
            arg="goodput",
        ),
        Assumption(
            "PUE",
            "Power usage effectiveness of the data centre",
            _default("TRAIN_ENERGY_MWH", "pue"),
            "ratio",
            st.TWO_DP,
            "Hyperscalers report 1.1-1.2 (Google, Meta sustainability reports)",
            arg="pue",
        ),
        Assumption(
            "BwEfficiency",
            "Fraction of datasheet memory bandwidth decode reaches",
            _default("DECODE_MS", "bw_efficiency"),
            "fraction",
            st.PCT,
            "Measured H100 copy bandwidth 3.03 of 3.35 TB/s (90%); 80% leaves room for kernels",
            arg="bw_efficiency",
        ),
        Assumption(
            "PrefillMFU",
            "Share of the peak a prefill reaches (serving's time to first token)",
            _default("RESPONSE_SECONDS", "prefill_mfu"),
            "fraction",
            st.PCT,
            "ESTIMATE fitted on published runs (tests/reference/measured.csv: NVIDIA NIM 1.8 time to first token, "
            "Llama 3.3 70B FP8 on 2 H100s; the prefill of offline MLPerf and TensorRT-LLM runs); large GEMMs, "
            "no backward pass (flopsheet engine/inference.py). The pass's weight read and GEMMs overlap but for 0.9 "
            "of the shorter (PREFILL_EXPOSED_SHARE, fitted on 16 first-token runs: short prompts)",
            arg="prefill_mfu",
        ),
        Assumption(
            "AllReduceUs",
            "Fixed cost of one tensor-parallel all-reduce in a forward pass (its latency over the link), in us",
            _default("DECODE_MS", "allreduce_us"),
            "us",
            st.WHOLE,
            "ESTIMATE fitted on published small-batch decode runs beside a fixed 50 us per layer of every pass "
            "(measured.csv: NIM 1.8 and vLLM on 2-8 H100s/B200s want 41-111 us a layer in all); NCCL's "
            "small-message all-reduce alone is 10-30 us on 8 NVLink GPUs",
            arg="allreduce_us",
        ),
        Assumption(
            "HostUs",
            "Server CPU time per running request per decode step, in us (scheduling, detokenising, streaming): "
            "ITL_MS's host_us on a loaded server",
            VLLM_HOST_US,
            "us",
            st.WHOLE,
            "ESTIMATE fitted on ML.ENERGY Leaderboard v3's vLLM v0.11.1 runs at 511-4,095 requests in flight, "
            "where the CPU's work outlasts the GPUs' step (https://github.com/ml-energy/leaderboard, data of "
            "2026-02-16; flopsheet tests/reference/measured.csv); vLLM's team measured the CPU's share at 62% of "
            "a step (blog.vllm.ai/2024/09/05/perf-update.html). Overlapped with the GPUs' step but for half of it, "
            "on the critical path (HOST_SERIAL_SHARE, fitted on the same runs). "
            "Type 0 for a server whose CPU keeps up (ITL_MS's default)",
        ),
        Assumption(
            "UsableMemory",
            "Fraction of GPU memory usable for weights and KV cache",
            _default("GPUS_TO_FIT", "usable_fraction"),
            "fraction",
            st.PCT,
            "Runtime, activations and fragmentation take the rest",
            arg="usable_fraction",
        ),
        Assumption(
            "DefaultPrecision",
            "Precision when a scenario leaves it blank",
            _default("GPU_DAYS", "precision"),
            "",
            None,
            "The functions' default: BF16, the format large models train in",
            arg="precision",
        ),
        Assumption(
            "CostOfCapital",
            "Cost of capital a year, for owning GPUs (capex recovered as an annuity)",
            0.10,
            "fraction/year",
            st.PCT,
            "ESTIMATE: the low end of the 10-17% a year (SOFR + 500-700 bp) that GPU-backed loans cost, "
            "USD.AI / gpuloans.com, 2025-12-15, https://www.gpuloans.com/blog/gpu-financing-private-credit-"
            "vs-banks; a hyperscaler's own cost of capital is lower: type yours",
        ),
        Assumption(
            "ColoUsdPerKwMonth",
            "Data-centre space and power (colocation), per kW of server power a month",
            184.06,
            "USD/kW-month",
            st.USD,
            "CBRE, North America Data Center Trends H2 2024 (2025-02-26): average monthly asking rate for a "
            "250-500 kW requirement across primary markets, $184.06 per kW, "
            "https://www.cbre.com/insights/reports/north-america-data-center-trends-h2-2024",
        ),
        Assumption("SecondsPerDay", "Seconds in a day", SECONDS_PER_DAY, "s", st.WHOLE, "24 x 3600"),
        Assumption(
            "DaysPerMonth",
            "Days in the seed's 'one month'",
            30.0,
            "days",
            st.WHOLE,
            "The seed report's H100 example uses 30 days",
        ),
        Assumption(
            "WattsPerMW",
            "Watts in a megawatt (energy in MWh = W x hours / this)",
            1e6,
            "W",
            st.WHOLE,
            "SI prefix mega = 10^6",
        ),
    )
