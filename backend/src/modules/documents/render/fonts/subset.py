#!/usr/bin/python3
"""Remakes the committed font subsets from Debian's fonts-noto-cjk.

Run with the system python (it has fontTools): `/usr/bin/python3 subset.py` in this folder.
It writes chars.txt (the characters kept) and NotoSansSC-{Regular,Bold}.otf. The documents are
generated deterministically and fingerprinted, so the font's bytes are part of every document:
remaking it with another fontTools or another Noto release changes every fingerprint made after.
"""
import subprocess
import sys

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"
SC_INDEX = 2  # the collection's fonts: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK


def gb2312():
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE that decode)."""
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def extras():
    ascii_ = [chr(c) for c in range(0x20, 0x7F)]
    cjk_punct = [chr(c) for c in range(0x3000, 0x3040)]  # CJK symbols and punctuation
    fullwidth = [chr(c) for c in range(0xFF01, 0xFF66)]  # full-width forms
    named = list("¥￥·—–•“”‘’…、。，；：？！（）《》【】〔〕")
    circled = [chr(c) for c in range(0x2460, 0x246A)]  # ①..⑩
    return ascii_ + cjk_punct + fullwidth + named + circled


def main():
    chars = sorted(set(gb2312() + extras()))
    with open("chars.txt", "w", encoding="utf-8") as f:
        f.write("".join(chars))
    print(f"{len(chars)} characters", file=sys.stderr)
    for weight in ("Regular", "Bold"):
        subprocess.run(
            [sys.executable, "-m", "fontTools.subset", SOURCE.format(weight),
             f"--font-number={SC_INDEX}", "--text-file=chars.txt",
             f"--output-file=NotoSansSC-{weight}.otf",
             "--no-hinting", "--desubroutinize", "--layout-features="],
            check=True,
        )


if __name__ == "__main__":
    main()
