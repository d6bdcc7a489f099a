"""The seed report's worked examples (a 2024 Chinese industry report on large-model compute),
as calls of flopsheet functions, with what the report printed and where it is wrong.

One list serves the README table, the template's Seed check sheet and the docs; the tests check
each row independently against shared/reference/seed-figures.md.

The report ignores downtime: its training-time rows pass goodput 1 explicitly (the last
argument; flopsheet's default, 0.85, charges failures and restarts as published runs show).
"""

from __future__ import annotations

from dataclasses import dataclass

from flopsheet.exceltext import number_literal, string_literal


@dataclass(frozen=True)
class SeedRow:
    number: int
    what: str
    function: str
    args: tuple
    report: str  # as the report prints it
    report_value: float  # the same, as a number
    scale: float = 1.0  # the figure is scale x the call (rows 9 and 12)
    note: str = ""


ROWS = (
    SeedRow(1, "GPT-3 training compute", "TRAIN_FLOPS", ("175B", "300B"), "3.15e23 FLOPs", 3.15e23),
    SeedRow(2, "A100-days to train GPT-3", "GPU_DAYS", (3.15e23, "A100", 0.462, "fp16", 1), "2.53万", 25300),
    SeedRow(3, "Days on 1,000 A100s", "TRAIN_DAYS", (3.15e23, "A100", 1000, 0.462, "fp16", 1), "25.3 days", 25.3),
    SeedRow(4, "One GPT-3 answer (20 + 300 tokens)", "INFER_FLOPS", ("175B", 20, 300), "1.12e14 FLOPs", 1.12e14),
    SeedRow(
        5,
        "Seconds for that answer on one A100",
        "INFER_SECONDS",
        (1.12e14, "A100", 0.462),
        "0.78 s",
        0.78,
        note="a compute floor: decode is bandwidth-bound; RESPONSE_SECONDS on 8 A100s gives ~8 s",
    ),
    SeedRow(6, "Tokens in a 224x224 image (BEiT)", "IMAGE_TOKENS", (224, 224, 16), "196", 196),
    SeedRow(
        7,
        "Words that 196 tokens equal",
        "TOKENS_TO_WORDS",
        (196,),
        "147",
        147,
        note="4/3 tokens per word holds for English only; Chinese is ~0.6 tokens per character",
    ),
    SeedRow(8, "Tokens in a 1024x768 image", "IMAGE_TOKENS", (1024, 768), "3,072", 3072),
    SeedRow(
        9, "Tokens in all images of 2022 (1e11 images)", "IMAGE_TOKENS", (1024, 768), "3.072e14", 3.072e14, scale=1e11
    ),
    SeedRow(10, "Compute to train a 500B model on them", "TRAIN_FLOPS", ("500B", 3.072e14), "9.216e26 FLOPs", 9.216e26),
    SeedRow(
        11,
        "H100s to do it in 30 days",
        "GPUS_NEEDED",
        (9.216e26, 1979, 30, 0.462, "fp16", 1),
        "38.89万",
        388900,
        note="1979 TFLOPS is H100's with-sparsity headline; the dense 989.5 needs 777,768 GPUs",
    ),
    SeedRow(
        12,
        "Five vendors doing the same",
        "GPUS_NEEDED",
        (9.216e26, 1979, 30, 0.462, "fp16", 1),
        "194.45万",
        1944500,
        scale=5,
    ),
)

# Where the report is wrong, shown beside it (same shape as ROWS).
CORRECTIONS = (
    SeedRow(11, "H100s in 30 days at the DENSE peak", "GPUS_NEEDED", (9.216e26, "H100", 30, 0.462, "fp16", 1), "-", 0),
    SeedRow(
        5,
        "The same answer with the decode roofline, 8 A100s",
        "RESPONSE_SECONDS",
        ("175B", 20, 300, "A100", 1, 2, 8),
        "-",
        0,
    ),
)


def value(row: SeedRow) -> float:
    """What flopsheet computes for a row."""
    from flopsheet.functions import REGISTRY

    return row.scale * REGISTRY[row.function](*row.args)


def call_text(row: SeedRow) -> str:
    """The row's call as a user would type it in a cell."""

    def arg(a):
        return string_literal(a) if isinstance(a, str) else number_literal(a, exponent_from=1e7)

    call = f"{row.function}({', '.join(arg(a) for a in row.args)})"
    return f"{number_literal(row.scale, exponent_from=1e7)} * {call}" if row.scale != 1 else call


def _fmt(x: float) -> str:
    if x >= 1e7:
        return f"{x:.4g}".replace("e+", "e")
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def markdown_table() -> str:
    """The README's table: the report's figure, flopsheet's, and where the report is wrong."""
    lines = ["| # | What | Call | Report | flopsheet | Note |", "|---|---|---|---|---|---|"]
    for row in ROWS:
        lines.append(
            f"| {row.number} | {row.what} | `{call_text(row)}` | {row.report} | {_fmt(value(row))} | {row.note} |"
        )
    for row in CORRECTIONS:
        lines.append(f"| {row.number}′ | {row.what} | `{call_text(row)}` | | **{_fmt(value(row))}** | correction |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
