"""Token functions: images, video, text."""

from flopsheet import engine
from flopsheet.engine import TOKENS_PER_UNIT
from flopsheet.errors import FlopsheetError
from flopsheet.functions.declaration import Arg, Function, declared_in
from flopsheet.functions.inputs import control_free
from flopsheet.functions.twintext import count_twin
from flopsheet.magnitudes import parse_num

PATCH = Arg("patch", "Patch side in pixels; default 16")


def tokens_per_unit(unit) -> float:
    """A TEXT_TOKENS unit: "word", "en_char", "zh_char", or a number of tokens per unit."""
    if isinstance(unit, str):
        key = control_free(unit, "unit").strip().lower()
        if key in TOKENS_PER_UNIT:
            return TOKENS_PER_UNIT[key]
        try:
            return parse_num(key, "unit")
        except FlopsheetError:
            pass
    elif isinstance(unit, (int, float)) and not isinstance(unit, bool):
        return float(unit)
    raise FlopsheetError(f'unit must be "word", "en_char", "zh_char" or a number of tokens per unit (got {unit!r})',
                         arg="unit")


tokens_per_unit.choices = TOKENS_PER_UNIT  # the names it knows, for the twin's lookup table


IMAGE_TOKENS = Function(
    name="IMAGE_TOKENS",
    summary="Tokens of an image cut into patch x patch squares; a partial patch still costs a token.",
    returns="tokens",
    args=(Arg("height", "Image height in pixels"), Arg("width", "Image width in pixels"), PATCH),
    source="Dosovitskiy et al. 2021 (ViT); Bao et al. 2022 (BEiT): 224x224 in 16x16 patches = 196 tokens",
    example=(1024, 768),
    formula=engine.image_tokens,
    twin="{step:down}*{step:across}",  # the count rule on each side, as the engine
    twin_steps=(("down", "patches down the image (a partial patch counts)", count_twin("{height}/{patch}")),
                ("across", "patches across the image (a partial patch counts)", count_twin("{width}/{patch}"))),
)

VIDEO_TOKENS = Function(
    name="VIDEO_TOKENS",
    summary="Tokens of a video: frame groups of temporal_patch frames, each cut like an image.",
    returns="tokens",
    args=(Arg("frames", "Frames"), Arg("height", "Frame height in pixels"), Arg("width", "Frame width in pixels"), PATCH,
          Arg("temporal_patch", "Frames per token along time; default 1")),
    source="Arnab et al. 2021 (ViViT tubelet embedding)",
    example=(94, 1048, 1048),
    formula=engine.video_tokens,
    twin="{step:groups}*{step:down}*{step:across}",
    twin_steps=(("groups", "frame groups (a partial group counts)", count_twin("{frames}/{temporal_patch}")),
                ("down", "patches down a frame (a partial patch counts)", count_twin("{height}/{patch}")),
                ("across", "patches across a frame (a partial patch counts)", count_twin("{width}/{patch}"))),
)

TEXT_TOKENS = Function(
    name="TEXT_TOKENS",
    summary="Tokens in an amount of text: words, English or Chinese characters, or any tokens-per-unit ratio.",
    returns="tokens",
    args=(Arg("amount", "How much text, in units"),
          Arg("unit", '"word" (default, 4/3 tokens), "en_char" (0.3), "zh_char" (0.6, DeepSeek) or tokens per unit',
              kind="text", default="word", engine="tokens_per_unit", convert=tokens_per_unit)),
    source="OpenAI help center (0.75 words per token); DeepSeek API docs (0.3 per English char, 0.6 per Chinese char)",
    example=("2000000", "zh_char"),
    formula=engine.text_tokens,
    twin="{amount}*{unit}",  # {unit}: "word"/"en_char"/"zh_char" -> engine.TOKENS_PER_UNIT, or a number
)

TOKENS_TO_WORDS = Function(
    name="TOKENS_TO_WORDS",
    summary="English words that a number of tokens makes (4/3 tokens per word by default).",
    returns="words",
    args=(Arg("tokens", "Tokens"), Arg("tokens_per_word", "Tokens per English word; default 4/3")),
    source="OpenAI help center: 1 token ~ 0.75 English words",
    example=(196,),
    formula=engine.tokens_to_words,
    twin="{tokens}/{tokens_per_word}",
)

FUNCTIONS = declared_in(globals())  # every Function above, in order
