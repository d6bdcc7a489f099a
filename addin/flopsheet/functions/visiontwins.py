"""Native twins of the vision-tokenizer catalog's rules (flopsheet.engine.vision): for one catalog
row, the Excel formula template and its named steps, the row's figures typed in as numbers. The
hand-off copy renders them (handoff.twins) for a call whose tokenizer name is typed in the formula,
or held by the cell it reads (then the copy also tests that the cell still holds that name).

Plain arithmetic, ROUND/INT/MIN/MAX/SQRT/MOD/IF only, as every other twin. Two kinds of rounding:

* where the engine snaps a side to 9 decimals before a floor or ceiling (OpenAI's and Anthropic's
  published words), the twin does the same: ROUND(x,9) first, so LibreOffice's and Gnumeric's
  tolerant INT/ROUNDUP agree with numpy;
* where the engine repeats a vendor's float arithmetic unsnapped (Qwen's smart_resize floors
  h / beta / factor; Python's round() is half to even), the twin repeats the same operations in
  double precision and floors exactly. Excel and LibreOffice compute in IEEE doubles, as Python;
  Gnumeric in 80-bit long doubles, so each such quotient or root is rounded to a double
  (`double`: Veltkamp's split, taken only where 1 + 2^-60 differs from 1). Spreadsheets' INT
  snaps a value one unit in the last place below an integer up to it, so near an integer n the
  twin compares y - (n - 1/1024) with 1/1024, a difference every engine holds exactly
  (Sterbenz) and far enough from its operands' size that no engine's tolerant comparison hides it.

Llama 4's and Llama 3.2 Vision's canvas choice (get_best_fit / get_optimal_tiled_canvas over the
grids of at most 16 or 4 tiles) is unrolled as InternVL's is, and so is LLaVA-OneVision's
(select_best_resolution over 36 grid shapes, by effective then wasted resolution); its pooling's
float floor division (Python's //, the exact floor of a / b for the double b) is checked on an
exact residue near an integer (`_floor_div`).
"""

from __future__ import annotations

import math

from flopsheet.engine import vision as vision_engine
from flopsheet.functions.twintext import count_twin

EPS = "0.0009765625"  # 2^-10: exact, and far from both a side's ulp and a spreadsheet's tolerance
NO_TWIN: dict[str, str] = {}  # rules without a twin: their reason (none today)


def num(x: float) -> str:
    """A catalog figure as formula text: an integer without a decimal point, else its repr."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


class _Steps:
    """Collects (key, label, template) steps with unique keys."""

    def __init__(self):
        self.items: list[tuple[str, str, str]] = []

    def add(self, key: str, label: str, template: str) -> str:
        assert key not in {k for k, _, _ in self.items}, key
        self.items.append((key, label, template))
        return "{step:" + key + "}"


def _snap_ceil(x: str) -> str:
    return f"ROUNDUP(ROUND({x},9),0)"


def _snap_floor_down(x: str) -> str:
    """engine.vision._down: a side after a downscale, floored after the 9-decimal snap, >= 1."""
    return f"MAX(1,INT(ROUND({x},9)))"


def double(x: str) -> str:
    """x rounded to an IEEE double where the engine computes in long double (Gnumeric: 64-bit
    significands; x * (2^11 + 1) - (x * (2^11 + 1) - x) keeps the top 53 bits, Veltkamp 1971);
    x itself elsewhere. x is a step or a short expression of steps (it appears four times)."""
    return f"IF(1+2^-60-1>0,({x})*2049-(({x})*2049-({x})),{x})"


def exact_floor(y: str) -> str:
    """floor(y) as numpy takes it, for a y > 0 held in a step (y appears several times)."""
    n = f"ROUND({y},0)"
    return f"IF(ABS({y}-{n})<0.001,{n}-(({y}-({n}-{EPS}))<{EPS}),INT({y}))"


def exact_ceil(y: str) -> str:
    """ceil(y) as numpy takes it, for a y > 0 held in a step."""
    n = f"ROUND({y},0)"
    return f"IF(ABS({y}-{n})<0.001,{n}+(({y}-({n}-{EPS}))>{EPS}),ROUNDUP({y},0))"


def python_round(y: str, floor: str) -> str:
    """round(y) as Python takes it (half to even), y >= 0 and `floor` its exact floor (both steps):
    the fraction y - floor is exact and compared with 0.5 far above any engine's tolerance."""
    return f"{floor}+(({y}-{floor})>0.5)+(({y}-{floor})=0.5)*MOD({floor},2)"


def _fit(s: _Steps, max_side: float, prefix: str = "") -> tuple[str, str]:
    """Sides after fitting within max_side x max_side (engine: h * (max_side / long), floored)."""
    long = s.add(f"{prefix}long", "the longer side", "MAX({height},{width})")
    ms = num(max_side)
    h = s.add(
        f"{prefix}fit_h",
        f"height after fitting in {ms} x {ms} px",
        f"IF({long}>{ms},{_snap_floor_down('{height}*(' + ms + '/' + long + ')')},{{height}})",
    )
    w = s.add(
        f"{prefix}fit_w",
        f"width after fitting in {ms} x {ms} px",
        f"IF({long}>{ms},{_snap_floor_down('{width}*(' + ms + '/' + long + ')')},{{width}})",
    )
    return h, w


def _tile(p: dict, s: _Steps) -> str:
    """OpenAI's tile rule (engine.vision.tile_tokens)."""
    h, w = _fit(s, p["max_side"])
    ss = num(p["short_side"])
    short = s.add("short", "the shorter side after the fit", f"MIN({h},{w})")
    h2 = s.add(
        "tile_h",
        f"height after the shortest side is brought down to {ss} px",
        f"IF({short}>{ss},{_snap_floor_down(h + '*(' + ss + '/' + short + ')')},{h})",
    )
    w2 = s.add(
        "tile_w",
        f"width after the shortest side is brought down to {ss} px",
        f"IF({short}>{ss},{_snap_floor_down(w + '*(' + ss + '/' + short + ')')},{w})",
    )
    t = num(p["tile"])
    tiles = s.add(
        "tiles", f"{t}-px tiles covering the resized image", f"{_snap_ceil(h2 + '/' + t)}*{_snap_ceil(w2 + '/' + t)}"
    )
    return f"{num(p['base_tokens'])}+{num(p['tile_tokens'])}*{tiles}"


def _patch_budget(p: dict, s: _Steps) -> str:
    """OpenAI's patch rule (engine.vision.budget_patch_tokens)."""
    h, w = _fit(s, p["max_side"]) if p.get("max_side") else ("{height}", "{width}")
    pt, mp = num(p["patch"]), num(p["max_patches"])
    patches = s.add(
        "patches", f"{pt}-px patches before the budget", f"{_snap_ceil(h + '/' + pt)}*{_snap_ceil(w + '/' + pt)}"
    )
    shrink = s.add(
        "shrink",
        f"scale bringing the image to {mp} patches",
        f"SQRT({num(p['patch'] * p['patch'] * p['max_patches'])}/({h}*{w}))",
    )
    across = s.add("across", "patches across at that scale", f"{w}*{shrink}/{pt}")
    down = s.add("down", "patches down at that scale", f"{h}*{shrink}/{pt}")
    adjusted = s.add(
        "adjusted",
        "scale adjusted so the sides fit whole patches",
        f"{shrink}*MIN(INT(ROUND({across},9))/{across},INT(ROUND({down},9))/{down})",
    )
    h2 = _snap_floor_down(f"{h}*{adjusted}")
    w2 = _snap_floor_down(f"{w}*{adjusted}")
    used = s.add(
        "patches_used",
        f"patches counted (the budget of {mp} applied)",
        f"IF({patches}>{mp},{_snap_ceil('(' + h2 + ')/' + pt)}*{_snap_ceil('(' + w2 + ')/' + pt)},{patches})",
    )
    return count_twin(f"{used}*{num(p['multiplier'])}")


def _claude(p: dict, s: _Steps) -> str:
    """Anthropic's rule (engine.vision.claude_size / claude_tokens). The reference resize searches
    for the largest long side L whose aspect-kept short side round(L / aspect) fits; the search's
    answer is also max over m (patches along the short side) of min(cap, p x floor(T/m), the
    largest L whose short side is at most p x m), and that maximum is at m = floor(sqrt(T/aspect))
    or one either side (tests/handoff/test_tokenizer_twins_engines.py: the twin against the search, both engines)."""
    pt, ms, t = num(p["patch"]), num(p["max_side"]), num(p["max_patches"])
    down = s.add("down0", f"{pt}-px patches down the image as given", _snap_ceil("{height}/" + pt))
    across = s.add("across0", f"{pt}-px patches across the image as given", _snap_ceil("{width}/" + pt))
    fits = s.add(
        "fits",
        f"1 if the image fits {ms} px and {t} tokens as given",
        f"({down}*{pt}<={ms})*({across}*{pt}<={ms})*({down}*{across}<={t})",
    )
    ratio = s.add("ratio", "longer side / shorter side", "MAX({height},{width})/MIN({height},{width})")
    aspect = s.add("aspect", "longer side / shorter side, as a double", double(ratio))
    cap = s.add(
        "cap",
        "longest long side the search may reach",
        f"MIN(ROUNDUP(MAX({{height}},{{width}}),0)-1,{num(p['patch'] * math.floor(p['max_side'] / p['patch']))})",
    )
    k = s.add("k", "short-side patches where the token limit binds (about)", f"INT(SQRT({t}/{aspect}))")
    best = []
    for o, name in ((-1, "a"), (0, "b"), (1, "c")):
        m = s.add(f"m_{name}", f"short-side patches, candidate {name}", f"MAX(1,{k}{o:+d})" if o else f"MAX(1,{k})")
        half = s.add(
            f"half_{name}", f"{pt} x m_{name} + 0.5: a short side rounding above it is too long", f"{pt}*{m}+0.5"
        )
        l0 = s.add(
            f"l0_{name}", f"long side whose short side is {pt} x m_{name} + 0.5 (about)", f"INT({aspect}*{half})"
        )

        below = []
        for d, name_d in (("+1", "l0_" + name + "+1"), ("", "l0_" + name)):
            q = s.add(f"q{d and 'up'}_{name}", f"{name_d} / aspect", double(f"({l0}{d})/{aspect}"))
            below.append(f"({q}-({half}-{EPS})<={EPS})")  # its short side rounds to at most p x m
        best.append(
            s.add(
                f"l_{name}",
                f"largest long side with m_{name} short-side patches",
                f"MIN({cap},{pt}*INT({t}/{m}),IF({below[0]},{l0}+1,IF({below[1]},{l0},{l0}-1)))",
            )
        )
    long = s.add("resized_long", "long side after the resize", f"MAX({','.join(best)})")
    sx = s.add("short_exact", "long side after the resize / aspect", double(f"{long}/{aspect}"))
    sfloor = s.add("short_floor", "its floor", exact_floor(sx))
    short = s.add(
        "resized_short", "short side after the resize (rounded half to even)", f"MAX(1,{python_round(sx, sfloor)})"
    )
    return f"IF({fits},{down}*{across},{_snap_ceil(long + '/' + pt)}*{_snap_ceil(short + '/' + pt)})"


def _intern(p: dict, s: _Steps) -> str:
    """InternVL's dynamic_preprocess (engine.vision.intern_tiles): find_closest_aspect_ratio's scan
    over the (columns, rows) grids of at most max_tiles tiles, in its order, unrolled: a step per grid
    for its distance to the image's aspect, the best distance so far and the grid chosen so far
    (columns x 100 + rows). A grid replaces the choice when strictly nearer, or as near and the
    image's area passes half the grid's pixels."""
    t = num(p["tile"])
    aspect = s.add("aspect", "width / height, as a double", double("{width}/{height}"))
    area = s.add("area", "width x height", "{width}*{height}")
    best, chosen = "9E+307", "101"
    for k, (i, j) in enumerate(vision_engine.intern_ratios(p["max_tiles"])):
        r = num(i / j) if j in (1, 2, 4, 8) else s.add(f"r{k}", f"{i} / {j}, as a double", double(f"{i}/{j}"))
        d = s.add(f"d{k}", f"distance to a {i} x {j} grid's aspect", double(f"ABS({aspect}-{r})"))
        take = f"({d}<{best})+({d}={best})*({area}>{num(0.5 * p['tile'] * p['tile'] * i * j)})"
        new_best = s.add(f"best{k}", f"nearest distance after the {i} x {j} grid", f"MIN({d},{best})")
        chosen = s.add(
            f"grid{k}",
            f"grid chosen after the {i} x {j} grid (columns x 100 + rows)",
            f"IF({take},{i * 100 + j},{chosen})",
        )
        best = new_best
    blocks = s.add("blocks", f"{t}-px tiles of the chosen grid", f"INT({chosen}/100)*MOD({chosen},100)")
    return f"{num(p['tile_tokens'])}*({blocks}+({blocks}>1))"


def _best_fit(p: dict, s: _Steps) -> str:
    """The tiles of Llama 4's get_best_fit and mllama's get_optimal_tiled_canvas
    (engine.vision.best_fit_tiles) unrolled over the grids of at most max_tiles tiles, by tile
    count: a step per grid for its scale (quotients of whole numbers, so an equal scale is equal
    in every engine and distinct ones differ far above any engine's tolerance), the best scale so
    far and the tiles of the grid chosen so far. A grid replaces the choice when it needs a smaller
    upscale (scale >= 1), any upscale against a downscale, or a smaller downscale; or the same
    scale with fewer tiles (the code's area test; by tile count a tie already keeps the fewer)."""
    best, tiles = "-1", "99"
    for k, (r, c) in enumerate(vision_engine.best_fit_grids(p["max_tiles"])):
        sc = s.add(
            f"s{k}",
            f"scale into a {r} x {c} grid",
            f"MIN({num(p['tile'] * c)}/{{width}},{num(p['tile'] * r)}/{{height}})",
        )
        take = f"IF({sc}>=1,({best}<1)+({sc}<{best}),({best}<1)*({sc}>{best}))+({sc}={best})*({r * c}<{tiles})"
        new_best = s.add(f"best{k}", f"scale chosen after the {r} x {c} grid", f"IF({take},{sc},{best})")
        tiles = s.add(f"tiles{k}", f"tiles chosen after the {r} x {c} grid", f"IF({take},{r * c},{tiles})")
        best = new_best
    return tiles


def _floor_div(s: _Steps, key: str, label: str, a: str, b: str) -> str:
    """a // b as Python (and numpy) take it for a whole a >= 1 and a double b in [1, 2] held in a step:
    the exact floor of a / b (fmod is exact), which float division may round up to an integer
    (50 // 1.1111111111111112 = 44). Near an integer k the sign of a - k x b is taken exactly: b split
    (Veltkamp) so both k x b_hi and k x b_lo are exact, a - k x b_hi exact (Sterbenz) and the rest, when
    not zero, a multiple of 2^-52 far above any engine's tolerance of a number about 2^-20."""
    q = s.add(f"{key}_q", f"{label}: the quotient, as a double", double(f"{a}/{b}"))
    hi = s.add(f"{key}_hi", f"{label}: the divisor's top bits", f"{b}*134217729-({b}*134217729-{b})")
    lo = s.add(f"{key}_lo", f"{label}: the divisor's other bits", f"{b}-{hi}")
    k = s.add(f"{key}_k", f"{label}: the nearest whole quotient", f"ROUND({q},0)")
    rest = s.add(f"{key}_rest", f"{label}: dividend - that x divisor (its sign exact)", f"({a}-{k}*{hi})-{k}*{lo}")
    return s.add(key, label, f"IF(ABS({q}-{k})<0.001,{k}-({rest}<0),INT({q}))")


def _anyres(p: dict, s: _Steps) -> str:
    """LLaVA-OneVision (engine.vision.anyres_tokens): select_best_resolution unrolled over the grids
    i x j (rows, columns; i, j = 1..grid) in its order: a step per grid for its fit scale (as a double),
    the fitted sides (floored exactly, as the engine floors the doubles' products), its effective
    resolution; the best so far and the grid chosen so far (rows x 100 + columns). A grid replaces the
    choice when its effective resolution is larger, or equal with less canvas (less waste). Then the
    feature grid unpadded and pooled as the engine does."""
    t, g = p["tile"], int(p["max_tiles"])
    side = math.floor(math.sqrt(p["tile_tokens"]))
    area = s.add("area", "width x height", "{width}*{height}")
    best, canvas, chosen = "-1", "9E+307", "101"
    for i in range(1, g + 1):
        for j in range(1, g + 1):
            k = f"{i}x{j}"
            sc = s.add(
                f"s{k}",
                f"scale into a {num(t * i)} x {num(t * j)} canvas",
                double(f"MIN({num(t * j)}/{{width}},{num(t * i)}/{{height}})"),
            )
            xw = s.add(f"w{k}", f"width scaled into the {i} x {j} canvas", double(f"{{width}}*{sc}"))
            xh = s.add(f"h{k}", f"height scaled into the {i} x {j} canvas", double(f"{{height}}*{sc}"))
            fw = s.add(f"fw{k}", f"width fitted in the {i} x {j} canvas, floored", exact_floor(xw))
            fh = s.add(f"fh{k}", f"height fitted in the {i} x {j} canvas, floored", exact_floor(xh))
            eff = s.add(f"e{k}", f"effective resolution in the {i} x {j} canvas", f"MIN({fw}*{fh},{area})")
            c = num(t * t * i * j)
            take = f"({eff}>{best})+({eff}={best})*({c}<{canvas})"
            new_best = s.add(
                f"best{k}", f"effective resolution chosen after the {i} x {j} canvas", f"IF({take},{eff},{best})"
            )
            canvas = s.add(f"canvas{k}", f"canvas pixels chosen after the {i} x {j} canvas", f"IF({take},{c},{canvas})")
            chosen = s.add(
                f"grid{k}",
                f"grid chosen after the {i} x {j} canvas (rows x 100 + columns)",
                f"IF({take},{i * 100 + j},{chosen})",
            )
            best = new_best
    sd = num(side)
    ch = s.add("feat_h", f"feature rows of the chosen grid ({sd} a tile)", f"{sd}*INT({chosen}/100)")
    cw = s.add("feat_w", f"feature columns of the chosen grid ({sd} a tile)", f"{sd}*MOD({chosen},100)")
    wide = s.add("wide", "1 if the image is wider than the grid", f"({{width}}/{{height}}>{cw}/{ch})")
    qh = s.add("qh", "feature columns / width, as a double", double(f"{cw}/{{width}}"))
    yh = s.add("yh", "height x that, as a double", double(f"{{height}}*{qh}"))
    qw = s.add("qw", "feature rows / height, as a double", double(f"{ch}/{{height}}"))
    yw = s.add("yw", "width x that, as a double", double(f"{{width}}*{qw}"))
    nh = s.add("new_h", "height fitted to the grid's width, in features, floored", exact_floor(yh))
    nw = s.add("new_w", "width fitted to the grid's height, in features, floored", exact_floor(yw))
    rows = s.add("rows", "feature rows, the padding taken off", f"IF({wide},{ch}-2*INT(({ch}-{nh})/2),{ch})")
    cols = s.add("cols", "feature columns, the padding taken off", f"IF({wide},{cw},{cw}-2*INT(({cw}-{nw})/2))")
    q = s.add(
        "pool_sq",
        "(features / the most kept)^2, as a double",
        double(f"{rows}*{cols}/{num(p['max_patches'] * side * side)}"),
    )
    ratio = s.add("pool", "pooling ratio", double(f"SQRT({q})"))
    pr = _floor_div(s, "rows_pooled", "feature rows pooled", rows, ratio)
    pc = _floor_div(s, "cols_pooled", "feature columns pooled", cols, ratio)
    r2 = s.add("rows_kept", "feature rows kept", f"IF({ratio}>1.1,{pr},{rows})")
    c2 = s.add("cols_kept", "feature columns kept", f"IF({ratio}>1.1,{pc},{cols})")
    return f"{r2}*{c2}+{r2}+{num(p['tile_tokens'])}"


def _gemini(p: dict, s: _Steps) -> str:
    small, t = num(p["max_side"]), num(p["tile"])
    tiles = s.add("tiles", f"{t}-px tiles (estimate)", f"{_snap_ceil('{height}/' + t)}*{_snap_ceil('{width}/' + t)}")
    return f"IF(({{height}}<={small})*({{width}}<={small}),{num(p['base_tokens'])},{num(p['tile_tokens'])}*{tiles})"


def _smart_resize(s: _Steps, factor: float, min_pixels: float, max_pixels: str, prefix: str = "") -> tuple[str, str]:
    """Qwen's smart_resize (engine.vision.smart_resize): the resized (height, width) steps."""
    f = num(factor)
    out = []
    for side in ("height", "width"):
        x = s.add(f"{prefix}{side}_f", f"{side} / {f}", f"{{{side}}}/{f}")
        fl = s.add(f"{prefix}{side}_f_floor", f"{side} / {f}, floored", exact_floor(x))
        out.append(s.add(f"{prefix}{side}_r", f"{side} rounded to {f} px", f"MAX({f},({python_round(x, fl)})*{f})"))
    hb, wb = out
    area = s.add(f"{prefix}area_r", "pixels after the rounding", f"{hb}*{wb}")
    mn = num(min_pixels)
    pixels = s.add(f"{prefix}pixels", "height x width", double("{height}*{width}"))
    q_down = s.add(f"{prefix}area_over", "pixels / maximum pixels", double(f"{pixels}/{max_pixels}"))
    down = s.add(f"{prefix}beta_down", "downscale (its square root)", double(f"SQRT({q_down})"))
    q_up = s.add(f"{prefix}area_under", "minimum pixels / pixels", double(f"{mn}/{pixels}"))
    up = s.add(f"{prefix}beta_up", "upscale (its square root)", double(f"SQRT({q_up})"))
    sides = []
    for side, r in (("height", hb), ("width", wb)):
        xd = s.add(f"{prefix}{side}_scaled_down", f"{side} / downscale", double(f"{{{side}}}/{down}"))
        yd = s.add(f"{prefix}{side}_down", f"{side} / downscale / {f}", double(f"{xd}/{f}"))
        xu = s.add(f"{prefix}{side}_scaled_up", f"{side} x upscale", double(f"{{{side}}}*{up}"))
        yu = s.add(f"{prefix}{side}_up", f"{side} x upscale / {f}", double(f"{xu}/{f}"))
        fd = s.add(f"{prefix}{side}_down_floor", f"{side} / downscale / {f}, floored", exact_floor(yd))
        cu = s.add(f"{prefix}{side}_up_ceil", f"{side} x upscale / {f}, ceiled", exact_ceil(yu))
        sides.append(
            s.add(
                f"{prefix}{side}_resized",
                f"{side} after smart_resize",
                f"IF({area}>{max_pixels},{fd}*{f},IF({area}<{mn},{cu}*{f},{r}))",
            )
        )
    return sides[0], sides[1]


def _ratio_guard(body: str) -> str:
    """Qwen's processor refuses a longer side more than 200 times the shorter (engine: an error)."""
    return f"IF(MAX({{height}},{{width}})/MIN({{height}},{{width}})<={num(vision_engine.QWEN_MAX_RATIO)},{body},NA())"


def _qwen_image(p: dict, s: _Steps) -> str:
    factor = p["patch"] * p["merge"]
    h, w = _smart_resize(s, factor, p["min_pixels"], num(p["max_pixels"]))
    f = num(factor)
    return _ratio_guard(f"({h}/{f})*({w}/{f})")


def image_twin(row) -> tuple[str, tuple]:
    """(twin, twin_steps) of IMAGE_TOKENS for catalog row `row`; KeyError (with NO_TWIN's reason) when none."""
    p, s = row.params, _Steps()
    rule = row.rule
    if rule in NO_TWIN:
        raise KeyError(NO_TWIN[rule])
    if rule == "patch":
        pt = num(p["patch"])
        down = s.add("down", "patches down the image (a partial patch counts)", count_twin("{height}/" + pt))
        across = s.add("across", "patches across the image (a partial patch counts)", count_twin("{width}/" + pt))
        twin = f"{down}*{across}"
    elif rule == "fixed":
        twin = num(p["base_tokens"])
    elif rule == "tile":
        twin = _tile(p, s)
    elif rule == "patch_budget":
        twin = _patch_budget(p, s)
    elif rule == "claude":
        twin = _claude(p, s)
    elif rule == "gemini":
        twin = _gemini(p, s)
    elif rule == "smart_resize":
        twin = _qwen_image(p, s)
    elif rule == "intern_tiles":
        twin = _intern(p, s)
    elif rule == "llama4_tiles":  # a global tile beside several
        tiles = _best_fit(p, s)
        twin = f"{num(p['tile_tokens'])}*({tiles}+({tiles}>1))"
    elif rule == "anyres":
        twin = _anyres(p, s)
    elif rule == "mllama_tiles":
        twin = f"{num(p['tile_tokens'])}*{_best_fit(p, s)}"
    else:
        raise KeyError(f"{row.name} has no image rule")
    return twin, tuple(s.items)


def video_twin(row, seconds: str) -> tuple[str, tuple]:
    """(twin, twin_steps) of a video's tokens for catalog row `row`, `seconds` its length as formula
    text ("{seconds}", or "{frames}/{fps}"); KeyError when the row has no video rule."""
    p, s = row.params, _Steps()
    if p.get("video_tokens_per_s"):
        return f"({seconds})*{num(p['video_tokens_per_s'])}", ()
    if row.rule == "smart_resize" and p.get("video_max_pixels"):
        return _qwen3_video(p, s, seconds), tuple(s.items)
    if not (row.rule == "smart_resize" and p.get("video_fps")):
        raise KeyError(f"{row.name} has no video rule")
    q = vision_engine.QWEN_VIDEO
    sec = s.add("seconds", "seconds of video", seconds)
    n = f"MIN(MAX({sec}*{num(p['video_fps'])},{num(q['min_frames'])}),{num(q['max_frames'])})"
    ff = num(q["frame_factor"])
    frames = s.add("frames", "frames sampled (an even number)", f"INT(ROUND({n}/{ff},9))*{ff}")
    max_pixels = s.add(
        "max_pixels",
        "pixels a frame may keep",
        f"MAX(MIN({num(q['max_pixels'])},{double(num(q['total_pixels']) + '/' + frames)}*{ff}),"
        f"{num(math.floor(q['min_pixels'] * 1.05))})",
    )
    factor = p["patch"] * p["merge"]
    h, w = _smart_resize(s, factor, q["min_pixels"], max_pixels)
    f = num(factor)
    return _ratio_guard(f"{frames}/{ff}*({h}/{f})*({w}/{f})"), tuple(s.items)


def _qwen3_video(p: dict, s: _Steps, seconds: str) -> str:
    """Qwen3-VL video (engine.vision.qwen3_video_tokens): one smart_resize for the clip, its budget
    over all sampled frames."""
    q = vision_engine.QWEN3_VIDEO
    sec = s.add("seconds", "seconds of video", double(seconds))
    raw = s.add("frames_raw", "seconds x frames sampled a second", f"{sec}*{num(p['video_fps'])}")
    frames = s.add(
        "frames",
        "frames sampled (int(), within the limits)",
        f"MIN(MAX({exact_floor(raw)},{num(q['min_frames'])}),{num(q['max_frames'])})",
    )
    t2 = num(q["temporal_patch"])
    half = s.add("frames_half", f"frames / {t2}", f"{frames}/{t2}")
    half_floor = s.add("frames_half_floor", "its floor", f"INT({half})")
    even = s.add("frames_even", "frames rounded to pairs (half to even)", f"({python_round(half, half_floor)})*{t2}")
    f = num(p["patch"] * p["merge"])
    sides = {}
    for side in ("height", "width"):
        x = s.add(f"{side}_f", f"{side} / {f}", f"{{{side}}}/{f}")
        fl = s.add(f"{side}_f_floor", f"{side} / {f}, floored", exact_floor(x))
        sides[side] = s.add(f"{side}_r", f"{side} rounded to {f} px", f"({python_round(x, fl)})*{f}")
    volume = s.add("volume", "frames x pixels after the rounding", f"{even}*{sides['height']}*{sides['width']}")
    mx, mn = num(p["video_max_pixels"]), num(p["video_min_pixels"])
    pixels = s.add("pixels", "frames x height x width", double(f"{frames}*{{height}}*{{width}}"))
    q_down = s.add("volume_over", "that / maximum pixels", double(f"{pixels}/{mx}"))
    down = s.add("beta_down", "downscale (its square root)", double(f"SQRT({q_down})"))
    q_up = s.add("volume_under", "minimum pixels / that", double(f"{mn}/{pixels}"))
    up = s.add("beta_up", "upscale (its square root)", double(f"SQRT({q_up})"))
    resized = []
    for side in ("height", "width"):
        xd = s.add(f"{side}_scaled_down", f"{side} / downscale", double(f"{{{side}}}/{down}"))
        yd = s.add(f"{side}_down", f"{side} / downscale / {f}", double(f"{xd}/{f}"))
        xu = s.add(f"{side}_scaled_up", f"{side} x upscale", double(f"{{{side}}}*{up}"))
        yu = s.add(f"{side}_up", f"{side} x upscale / {f}", double(f"{xu}/{f}"))
        fd = s.add(f"{side}_down_floor", f"{side} / downscale / {f}, floored", exact_floor(yd))
        cu = s.add(f"{side}_up_ceil", f"{side} x upscale / {f}, ceiled", exact_ceil(yu))
        resized.append(
            s.add(
                f"{side}_resized",
                f"{side} after smart_resize",
                f"IF({volume}>{mx},MAX({f},{fd}*{f}),IF({volume}<{mn},{cu}*{f},{sides[side]}))",
            )
        )
    body = f"ROUNDUP({frames}/{t2},0)*({resized[0]}/{f})*({resized[1]}/{f})"
    return _ratio_guard(f"IF(MIN({{height}},{{width}})>={f},{body},NA())")
