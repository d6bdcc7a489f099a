"""Token functions: images, video and audio (a patch size, or a catalog tokenizer's rule), text."""

import functools
from dataclasses import replace

import numpy as np

from flopsheet import engine
from flopsheet.engine import TOKENS_PER_UNIT, vision_catalog
from flopsheet.engine import vision as vision_engine
from flopsheet.errors import FlopsheetError
from flopsheet.functions.declaration import Arg, Function, declared_in, evaluate
from flopsheet.functions.inputs import EXCEL_ERRORS, control_free, texts
from flopsheet.functions.twintext import count_twin
from flopsheet.functions.visiontwins import image_twin, video_twin
from flopsheet.magnitudes import parse_num, resolution_word

PATCH = Arg(
    "patch",
    'Patch side in pixels (default 16), or a tokenizer such as "GPT-4o", "Claude", "Gemini", '
    '"Qwen2.5-VL" (see the vision-tokenizer catalog)',
)
# Number arguments that may instead name a tokenizer: a name typed in the formula, or held by the
# one cell the argument reads, has the twin of its rule (`tokenizer_form`); a range mixing names
# and numbers keeps the add-in's value in the hand-off (handoff.translate).
TOKENIZER_ARGS = {"IMAGE_TOKENS": "patch", "VIDEO_TOKENS": "patch"}
# Every function whose call may name a tokenizer, and the argument naming it
TOKENIZER_NAMED = {**TOKENIZER_ARGS, "VIDEO_SECONDS_TOKENS": "model", "AUDIO_TOKENS": "model"}
# Arguments that are a side in pixels, where a resolution name ("4K") is refused (`_check_sides`)
PIXEL_SIDES = {name: ("height", "width") for name in ("IMAGE_TOKENS", "VIDEO_TOKENS", "VIDEO_SECONDS_TOKENS")}


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
    raise FlopsheetError(
        f'unit must be "word", "en_char", "zh_char" or a number of tokens per unit (got {unit!r})', arg="unit"
    )


tokens_per_unit.choices = TOKENS_PER_UNIT  # the names it knows, for the twin's lookup table


def _is_name(x) -> bool:
    """Text that names a tokenizer: not blank, not a number or magnitude ("16", "1.4K"), not an error value."""
    if not isinstance(x, str):
        return False
    t = x.strip()
    return bool(t) and not (t[:1].isdigit() or t[:1] in "+-.") and t.upper() not in EXCEL_ERRORS


def _names_tokenizer(v) -> bool:
    """True when a patch argument holds a tokenizer name (a cell, or any element of a range)."""
    arr, _ = texts(v, "patch", None)
    return any(_is_name(x) for x in np.asarray(arr, dtype=object).flat)


def side_word(x) -> str | None:
    """Why text `x` typed for a side in pixels is a resolution name ("4K", "8K"), or None: as a
    magnitude it would be 4,000, neither side of a 3840x2160 frame ("1080p" the magnitude parser
    refuses in its own cell)."""
    why = resolution_word(x, pixel_side=True)
    return why if why and not resolution_word(x) else None


def _check_sides(given: dict, names: tuple) -> None:
    """Refuse a resolution name where a side in pixels is expected (`side_word`)."""
    for name in names:
        v = given.get(name)
        if isinstance(v, str) or isinstance(v, (list, tuple, np.ndarray)):
            for x in np.asarray(texts(v, name, None)[0], dtype=object).flat:
                why = side_word(x)
                if why:
                    raise FlopsheetError(f"{name}: {why}", arg=name)


def _tokenizer(want: str, arg: str):
    """A converter for the tokenizer form: a name -> its catalog row number (>= 0); in a range
    mixing names and numbers, a number (or magnitude text) is a patch side, passed as its
    negative (the engine's ViT patch rule with that side); blank -> the default, ViT-16."""

    def convert(v) -> float:
        if v is None or (isinstance(v, str) and not v.strip()):
            return float(vision_catalog.resolve(vision_catalog.DEFAULT).index)
        if isinstance(v, bool):
            raise FlopsheetError(f"{arg} must be a patch size or a tokenizer name, not {str(v).upper()}", arg=arg)
        if isinstance(v, (int, float, np.integer, np.floating)):
            return -float(v) if want == "images" and v > 0 else _no_patch(arg, v, want)
        if not isinstance(v, str):
            raise FlopsheetError(f"{arg} must be a patch size or a tokenizer name (got {type(v).__name__})", arg=arg)
        if v.strip().upper() in EXCEL_ERRORS:
            raise FlopsheetError(f"{arg} is {v.strip().upper()} (an error value in the input)", arg=arg)
        if not _is_name(v):
            x = parse_num(v, arg)
            return -x if want == "images" and x > 0 else _no_patch(arg, x, want)
        return float(vision_catalog.resolve(control_free(v, arg), arg, want).index)

    return convert


def _no_patch(arg: str, x, want: str) -> float:
    if want == "images":
        raise FlopsheetError(f"{arg} must be a patch side > 0 or a tokenizer name (got {x:g})", arg=arg)
    names = ", ".join(f'"{r.name}"' for r in vision_catalog.rows() if r.video)
    raise FlopsheetError(f"{arg} must be a tokenizer name with a video rule ({names}); got the number {x:g}", arg=arg)


def _audio_rate(v) -> float:
    """AUDIO_TOKENS' model: a tokenizer with a published audio rate, or a number of tokens per second."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str) and not _is_name(v):
        return parse_num(v, "model")
    if not isinstance(v, str):
        raise FlopsheetError(f'model must be a name such as "Whisper" or tokens per second (got {v!r})', arg="model")
    return vision_catalog.resolve(control_free(v, "model"), "model", "audio").audio


# No `choices` look-up table for the copy: a VLOOKUP there reads * ? ~ as wildcards ("Gem*" would
# be Gemini's rate where Python refuses it). A model typed in the formula becomes its rate; one held
# by the cell the formula reads too, the copy testing that the cell still holds that name
# (handoff.translate, `tokenizer_form`).

_IMAGE_OF_TOKENIZER = Function(
    name="IMAGE_TOKENS",
    summary="Tokens of an image as a catalog tokenizer counts it (its rule, with its resizes).",
    returns="tokens",
    nature="exact",
    nature_why="the tokenizer's published patch rule",
    args=(
        Arg("height", "Image height in pixels"),
        Arg("width", "Image width in pixels"),
        Arg(
            "patch",
            "A catalog tokenizer name, or a patch side in pixels",
            kind="text",
            default=vision_catalog.DEFAULT,
            engine="tokenizer",
            convert=_tokenizer("images", "patch"),
        ),
    ),
    source="the vision-tokenizer catalog (vendor documentation per row)",
    example=(1080, 1920, "GPT-4o"),
    formula=vision_engine.image_tokens_of,
)
_NUMBERS_FORM: dict = {}


def _numbers_form(fn):
    return _NUMBERS_FORM.get(fn.name) or _NUMBERS_FORM.setdefault(fn.name, replace(fn, dispatch=None))


def _image_tokens(*args, **kwargs):
    """IMAGE_TOKENS' two forms: a patch size in pixels (the seed's ViT rule), or a tokenizer name."""
    given = dict(zip(("height", "width", "patch"), args)) | kwargs
    _check_sides(given, PIXEL_SIDES["IMAGE_TOKENS"])
    if len(args) > 3 or not _names_tokenizer(given.get("patch")):  # (the numbers form refuses a 4th argument)
        return evaluate(_numbers_form(IMAGE_TOKENS), *args, **kwargs)
    return evaluate(_IMAGE_OF_TOKENIZER, given.get("height"), given.get("width"), given.get("patch"))


IMAGE_TOKENS = Function(
    name="IMAGE_TOKENS",
    summary="Tokens of an image: patch x patch squares (a partial patch costs a token), or a named tokenizer's rule "
    "(GPT-4o tiles, Claude, Gemini, Qwen2.5-VL...).",
    returns="tokens",
    nature="exact",
    nature_why="the tokenizer's published patch rule",
    args=(Arg("height", "Image height in pixels"), Arg("width", "Image width in pixels"), PATCH),
    source="Dosovitskiy et al. 2021 (ViT); Bao et al. 2022 (BEiT): 224x224 in 16x16 patches = 196 tokens",
    example=(1024, 768),
    formula=engine.image_tokens,
    twin="{step:down}*{step:across}",  # the count rule on each side, as the engine
    twin_steps=(
        ("down", "patches down the image (a partial patch counts)", count_twin("{height}/{patch}")),
        ("across", "patches across the image (a partial patch counts)", count_twin("{width}/{patch}")),
    ),
    dispatch=_image_tokens,
)

_VIDEO_OF_TOKENIZER = Function(
    name="VIDEO_TOKENS",
    summary="Tokens of a video of frames at fps frames a second, as a catalog tokenizer samples it.",
    returns="tokens",
    nature="exact",
    nature_why="the tokenizer's published patch and frame-group rule",
    args=(
        Arg("frames", "Frames of the video"),
        Arg("fps", "Frames per second of the video"),
        Arg("height", "Frame height in pixels"),
        Arg("width", "Frame width in pixels"),
        Arg("patch", "A catalog tokenizer name", kind="text", engine="tokenizer", convert=_tokenizer("video", "patch")),
    ),
    source="the vision-tokenizer catalog (vendor documentation per row)",
    example=(300, 30, 720, 1280, "Gemini"),
    formula=vision_engine.video_frames_tokens_of,
)


def _video_tokens(*args, **kwargs):
    """VIDEO_TOKENS' two forms: patches of every frame (numbers), or a tokenizer's sampling by time
    (a name: fps, the video's frame rate, is then required to know its duration)."""
    names = [a.name for a in VIDEO_TOKENS.args]
    given = dict(zip(names, args)) | kwargs
    _check_sides(given, PIXEL_SIDES["VIDEO_TOKENS"])
    if len(args) > len(names):
        return evaluate(_numbers_form(VIDEO_TOKENS), *args, **kwargs)  # refuses the extra arguments
    if not _names_tokenizer(given.get("patch")):
        if given.get("fps") is not None and not (isinstance(given["fps"], str) and not given["fps"].strip()):
            raise FlopsheetError(
                "fps is used only with a tokenizer name in patch (frames are then sampled by time); "
                "leave it blank with a patch size",
                arg="fps",
            )
        return evaluate(_numbers_form(VIDEO_TOKENS), *args[:5], **{k: v for k, v in kwargs.items() if k != "fps"})
    convert = _tokenizer("video", "patch")  # an unknown name errs first, naming patch
    for x in np.asarray(texts(given.get("patch"), "patch", None)[0], dtype=object).flat:
        if _is_name(x):
            convert(x)
    if given.get("temporal_patch") not in (None, 1.0, ""):
        raise FlopsheetError(
            "temporal_patch must be blank with a tokenizer name (the tokenizer's own sampling applies)",
            arg="temporal_patch",
        )
    if given.get("fps") is None or (isinstance(given["fps"], str) and not given["fps"].strip()):
        raise FlopsheetError(
            "fps (the video's frames per second) is required with a tokenizer name: it samples "
            "by time; or use VIDEO_SECONDS_TOKENS(seconds, height, width, model)",
            arg="fps",
        )
    return evaluate(
        _VIDEO_OF_TOKENIZER,
        given.get("frames"),
        given.get("fps"),
        given.get("height"),
        given.get("width"),
        given.get("patch"),
    )


VIDEO_TOKENS = Function(
    name="VIDEO_TOKENS",
    summary="Tokens of a video: frame groups of temporal_patch frames, each cut like an image; or, with a tokenizer "
    "name in patch and the video's fps, the frames that tokenizer samples.",
    returns="tokens",
    nature="exact",
    nature_why="the tokenizer's published patch and frame-group rule",
    args=(
        Arg("frames", "Frames"),
        Arg("height", "Frame height in pixels"),
        Arg("width", "Frame width in pixels"),
        PATCH,
        Arg("temporal_patch", "Frames per token along time; default 1 (blank with a tokenizer name)"),
        Arg(
            "fps",
            "The video's frames per second: optional, required with a tokenizer name, blank with a patch size",
            default=None,
        ),
    ),
    source="Arnab et al. 2021 (ViViT tubelet embedding)",
    example=(94, 1048, 1048),
    formula=engine.video_tokens,
    twin="{step:groups}*{step:down}*{step:across}",
    twin_steps=(
        ("groups", "frame groups (a partial group counts)", count_twin("{frames}/{temporal_patch}")),
        ("down", "patches down a frame (a partial patch counts)", count_twin("{height}/{patch}")),
        ("across", "patches across a frame (a partial patch counts)", count_twin("{width}/{patch}")),
    ),
    dispatch=_video_tokens,
)


def _video_seconds_tokens(*args, **kwargs):
    given = dict(zip(("seconds", "height", "width", "model"), args)) | kwargs
    _check_sides(given, PIXEL_SIDES["VIDEO_SECONDS_TOKENS"])
    return evaluate(_numbers_form(VIDEO_SECONDS_TOKENS), *args, **kwargs)


VIDEO_SECONDS_TOKENS = Function(
    name="VIDEO_SECONDS_TOKENS",
    summary="Tokens of seconds of video as a tokenizer samples it: Gemini 263 a second, Qwen2.5-VL 2 frames a "
    "second in pairs at its video resolution.",
    returns="tokens",
    nature="exact",
    nature_why="the tokenizer's published sampling rate",
    args=(
        Arg("seconds", "Length of the video in seconds"),
        Arg("height", "Frame height in pixels"),
        Arg("width", "Frame width in pixels"),
        Arg(
            "model",
            'A tokenizer with a video rule: "Gemini", "Qwen2.5-VL"',
            kind="text",
            engine="tokenizer",
            convert=_tokenizer("video", "model"),
        ),
    ),
    source="Google Gemini API, Understand and count tokens (263 video tokens a second); QwenLM qwen-vl-utils "
    "vision_process.py (2 fps, frame pairs, video pixel limits)",
    example=(10, 720, 1280, "Qwen2.5-VL"),
    formula=vision_engine.video_seconds_tokens_of,
    dispatch=_video_seconds_tokens,
)

AUDIO_TOKENS = Function(
    name="AUDIO_TOKENS",
    summary="Tokens of seconds of audio at a published rate: Whisper's encoder 50 a second (default), Gemini 32.",
    returns="tokens",
    nature="exact",
    nature_why="the encoder's published token rate",
    args=(
        Arg("seconds", "Length of the audio in seconds"),
        Arg(
            "model",
            '"Whisper" (default, 50 a second), "Gemini" (32), or tokens per second',
            kind="text",
            default="Whisper",
            engine="tokens_per_second",
            convert=_audio_rate,
        ),
    ),
    source="Radford et al. 2022 (Whisper) §2.2: 1500 encoder positions per 30 s; Google Gemini API, Understand and "
    "count tokens: audio 32 tokens per second",
    example=(60, "Gemini"),
    formula=vision_engine.audio_tokens,
    twin="{seconds}*{model}",  # {model} typed in the formula: its rate (a name's, or the number)
)

TEXT_TOKENS = Function(
    name="TEXT_TOKENS",
    summary="Tokens in an amount of text: words, English or Chinese characters, or any tokens-per-unit ratio.",
    returns="tokens",
    nature="estimate",
    nature_why="a tokens-per-unit rule of thumb; real counts depend on the tokenizer and the text",
    args=(
        Arg("amount", "How much text, in units"),
        Arg(
            "unit",
            '"word" (default, 4/3 tokens), "en_char" (0.3), "zh_char" (0.6, DeepSeek) or tokens per unit',
            kind="text",
            default="word",
            engine="tokens_per_unit",
            convert=tokens_per_unit,
        ),
    ),
    source="OpenAI help center (0.75 words per token); DeepSeek API docs (0.3 per English char, 0.6 per Chinese char)",
    example=("2000000", "zh_char"),
    formula=engine.text_tokens,
    twin="{amount}*{unit}",  # {unit}: "word"/"en_char"/"zh_char" -> engine.TOKENS_PER_UNIT, or a number
)

TOKENS_TO_WORDS = Function(
    name="TOKENS_TO_WORDS",
    summary="English words that a number of tokens makes (4/3 tokens per word by default).",
    returns="words",
    nature="estimate",
    nature_why="a tokens-per-word rule of thumb for English",
    args=(Arg("tokens", "Tokens"), Arg("tokens_per_word", "Tokens per English word; default 4/3")),
    source="OpenAI help center: 1 token ~ 0.75 English words",
    example=(196,),
    formula=engine.tokens_to_words,
    twin="{tokens}/{tokens_per_word}",
)


@functools.cache
def tokenizer_form(function: str, name: str) -> tuple[Function, tuple[str, ...]]:
    """The declaration whose twin is catalog tokenizer `name`'s rule (its figures typed in), for
    a call of `function` naming it, and the order of the call's arguments it takes (by name).
    FlopsheetError: an unknown name, or one without that rule; KeyError: a rule without a twin."""
    want = {"IMAGE_TOKENS": "images", "AUDIO_TOKENS": "audio"}.get(function, "video")
    row = vision_catalog.resolve(name, TOKENIZER_NAMED[function], want)
    if function == "AUDIO_TOKENS":  # its twin types the name's rate in (the model argument's conversion)
        return AUDIO_TOKENS, ("seconds", "model")
    if function == "IMAGE_TOKENS":
        twin, steps = image_twin(row)
        return replace(_IMAGE_OF_TOKENIZER, twin=twin, twin_steps=steps), ("height", "width", "patch")
    if function == "VIDEO_TOKENS":
        twin, steps = video_twin(row, "{frames}/{fps}")
        return replace(_VIDEO_OF_TOKENIZER, twin=twin, twin_steps=steps), ("frames", "fps", "height", "width", "patch")
    twin, steps = video_twin(row, "{seconds}")
    return replace(_numbers_form(VIDEO_SECONDS_TOKENS), twin=twin, twin_steps=steps), (
        "seconds",
        "height",
        "width",
        "model",
    )


FUNCTIONS = declared_in(globals())  # every Function above, in order
