"""The wheel (and so the image, which installs it) holds every package, template and file.

Built from the files git tracks, copied aside, without the network: every directory
with an `__init__.py` outside tests and bench must be in it as a package, and every
template, static file and packaged data file beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
LEFT_OUT = ("tests", "bench")
DATA = ("*.html", "*.css", "*.js", "*.json", "*.txt", "*.md", "*.svg", "*.png", "*.ico")


def tracked() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [f for f in listed if (ROOT / f).is_file()]


def build_wheel(tmp_path: Path) -> zipfile.ZipFile:
    source = tmp_path / "source"
    for name in tracked():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path / "wheel"
    pip = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip, "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    return zipfile.ZipFile(wheel)


def test_the_wheel_holds_every_package_template_and_static_file(tmp_path):
    files = tracked()
    packages = sorted(
        str(Path(f).parent)
        for f in files
        if f.endswith("/__init__.py") and not f.startswith(LEFT_OUT)
    )
    data = sorted(
        f
        for f in files
        if f.startswith(("api/", "hms_core/", "projections/", "adapters/", "demo/"))
        and any(Path(f).match(pattern) for pattern in DATA)
    )
    assert "api/templates/base.html" in data
    assert "hms_core/risk/matrix.json" in data
    with build_wheel(tmp_path) as wheel:
        inside = set(wheel.namelist())
    assert [p for p in packages if f"{p}/__init__.py" not in inside] == []
    assert [f for f in data if f not in inside] == []
    assert not [n for n in inside if n.startswith(LEFT_OUT)]
