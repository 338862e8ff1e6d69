"""Finds and runs the ``backupcrypt`` binary shipped in the wheel's scripts."""

from __future__ import annotations

import os
import sys
import sysconfig
from typing import List, NoReturn


def find_binary() -> str:
    """The path of the ``backupcrypt`` executable installed with this package.

    pip puts it in the scripts folder of the environment (``bin/`` or
    ``Scripts\\``), or of the user scheme with ``--user``, or in ``bin/`` beside
    the package with ``--target``.
    """
    exe = "backupcrypt" + (sysconfig.get_config_var("EXE") or "")
    candidates = [sysconfig.get_path("scripts")]
    user_scheme = "nt_user" if os.name == "nt" else ("osx_framework_user" if sys.platform == "darwin" and sys._framework else "posix_user")  # type: ignore[attr-defined]
    try:
        candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
    except KeyError:
        pass
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(package_parent, "bin"))
    for folder in candidates:
        path = os.path.join(folder, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"the {exe} executable was not found in: {', '.join(candidates)}")


def main(argv: List[str] | None = None) -> NoReturn:
    """Runs the CLI with ``argv`` (default: this process's arguments); exits with its code."""
    args = sys.argv[1:] if argv is None else argv
    binary = find_binary()
    if os.name == "nt":
        import subprocess

        sys.exit(subprocess.call([binary, *args]))
    # The binary takes over this process: same stdin/stdout, signals and exit code.
    os.execv(binary, [binary, *args])
