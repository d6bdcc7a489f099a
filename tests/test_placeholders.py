"""The one template language for formula text: {name} and {scope:name}."""

from flopsheet.placeholders import fill, placeholders


def test_fill_names_and_scopes():
    seen = []

    def value(scope, name):
        seen.append((scope, name))
        return f"<{scope}|{name}>"

    out = fill('=IF({a}="",{Seed check:b},{gpu:memory_gb})', value)
    assert out == '=IF(<None|a>="",<Seed check|b>,<gpu|memory_gb>)'
    assert seen == [(None, "a"), ("Seed check", "b"), ("gpu", "memory_gb")]


def test_excel_text_is_left_alone():
    # array constants and strings with braces are Excel's, not placeholders
    text = '=VLOOKUP(A1,{"word",1;"zh_char",0.6},2,FALSE)&"{not a key}"'
    assert fill(text, lambda s, n: "X") == text
    assert placeholders("{x}*{y:z}") == [(None, "x"), ("y", "z")]
