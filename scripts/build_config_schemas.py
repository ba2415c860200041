"""Write the JSON Schemas of the configuration files into the package.

Generated from the pydantic models that validate site files, template headers and resource
files (``harmonizer.config.schema``); ``tests/config/test_schema.py`` fails when the shipped
files are not current. Run from the repository root after changing one of those models::

    python scripts/build_config_schemas.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harmonizer.config.schema import NAMES, SHIPPED, render  # noqa: E402


def main() -> None:
    SHIPPED.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        path = SHIPPED / f"{name}.schema.json"
        path.write_text(render(name), encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
