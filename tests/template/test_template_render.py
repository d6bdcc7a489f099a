"""The docs renders: margin trimming (Pillow) of `python -m tools.render`
(no LibreOffice needed), and the committed renders under docs/ are real PNGs."""

from pathlib import Path

import pytest
from PIL import Image

from tools.render import MAIN_SHEETS, trim

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _page(width, height, box):
    """A white page with one red rectangle (x0, y0, x1, y1 inclusive)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (255, 255, 255))
    ImageDraw.Draw(img).rectangle(box, fill=(0xCC, 0, 0))
    return img


def test_trim_keeps_the_ink_plus_padding(tmp_path):
    out = trim(_page(200, 100, (50, 20, 89, 39)), pad=5)
    assert out.size == (40 + 10, 20 + 10)
    assert out.getpixel((4, 15)) == (255, 255, 255) and out.getpixel((5, 15)) == (0xCC, 0, 0)
    path = tmp_path / "o.png"
    out.save(path)
    with Image.open(path) as back:
        assert back.format == "PNG" and back.size == (50, 30)


def test_trim_of_a_blank_page_keeps_it():
    assert trim(Image.new("RGB", (20, 10), "white")).size == (20, 10)


@pytest.mark.parametrize("prefix", ["template-", "template-zh-CN-"])
@pytest.mark.parametrize("slug", [spec[0] for spec in MAIN_SHEETS.values()])
def test_committed_renders_exist(slug, prefix):
    path = DOCS / f"{prefix}{slug}.png"
    assert path.is_file(), f"regenerate with: python -m tools.render docs/ ({path.name})"
    with Image.open(path) as img:
        assert img.format == "PNG"
        width, height = img.size
    assert width > 600 and height > 200
