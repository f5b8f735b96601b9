"""The install and test commands exactly as README.md shows them.

    python scripts/readme_commands.py install   # the `pip install ...` line of "## Run it"
    python scripts/readme_commands.py test      # the command of "## Test it"

scripts/fresh_machine_check.sh runs what this prints, so the check always runs what the README says;
tests/test_deploy.py asserts the README still shows the commands the project expects.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
# (section heading, how to recognise the command's line in that section's first code block)
COMMANDS = {
    "install": ("Run it", re.compile(r"^pip install ")),
    "test": ("Test it", re.compile(r".")),
}


def readme_commands(readme: Path = README) -> dict[str, str]:
    """``{"install": ..., "test": ...}``: one line each, from the first code block of its section."""
    text = readme.read_text(encoding="utf-8")
    found = {}
    for name, (heading, pattern) in COMMANDS.items():
        section = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
        if section is None:
            raise ValueError(f"{readme} has no '## {heading}' section, where the {name} command belongs.")
        block = re.search(r"^```[a-z]*\n(.*?)^```", section.group(1), re.M | re.S)
        if block is None:
            raise ValueError(f"the '## {heading}' section of {readme} has no code block.")
        lines = [line.strip() for line in block.group(1).splitlines() if pattern.match(line.strip())]
        if not lines:
            raise ValueError(f"the code block of '## {heading}' in {readme} has no {name} command.")
        found[name] = lines[0]
    return found


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python {sys.argv[0]} {{{','.join(COMMANDS)}}}")
    print(readme_commands()[sys.argv[1]])
