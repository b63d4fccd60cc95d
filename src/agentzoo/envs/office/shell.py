"""A tiny, safe shell for the office testbed: no processes are started, nothing leaves the testbed.

Commands: ``ls [-l] [PATH]``, ``pwd``, ``cat PATH``, ``mkdir [-p] PATH...``, ``touch PATH...``,
``cp [-r] SRC... DST``, ``mv SRC... DST``, ``rm [-r] [-f] PATH...``, ``echo TEXT [> FILE | >> FILE]``.
Several commands can be joined with ``&&`` or ``;``. Globs (``*.docx``) expand inside the
testbed. ``/testbed/...`` is the testbed root; any path that resolves outside it is refused.
This is an interpreter of a few file operations, not a general shell and not a sandbox for code.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from pathlib import Path


class ShellError(RuntimeError):
    """A command was refused or failed; the message is the observation."""


def confine(root: Path, path: str) -> Path:
    """``path`` inside ``root`` (``/testbed/x`` and relative paths), or :class:`ShellError`."""
    root = Path(root).resolve()
    text = path.strip()
    if text == "/testbed" or text.startswith("/testbed/"):
        text = text[len("/testbed"):].lstrip("/")
    elif text.startswith("/") or text.startswith("~"):
        raise ShellError(f"path {path!r} is outside the testbed")
    target = (root / text).resolve()
    if not target.is_relative_to(root):
        raise ShellError(f"path {path!r} is outside the testbed")
    return target


def _split(command: str) -> list[list[str]]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&>")
    lexer.whitespace_split = True
    tokens = list(lexer)
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in {";", "&&"}:
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def _expand(root: Path, args: list[str]) -> list[Path]:
    paths: list[Path] = []
    for arg in args:
        base = confine(root, arg)
        if any(ch in arg for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(base)))
            paths.extend(m for m in matches if m.resolve().is_relative_to(root.resolve()))
        else:
            paths.append(base)
    return paths


def _rel(root: Path, path: Path) -> str:
    return str(path.resolve().relative_to(root.resolve())) or "."


def run(root: Path, command: str) -> str:
    """Run ``command`` in the testbed ``root``; returns the output, raises :class:`ShellError`."""
    try:
        commands = _split(command)
    except ValueError as exc:
        raise ShellError(f"cannot parse command: {exc}") from exc
    if not commands:
        raise ShellError("empty command")
    return "\n".join(o for o in (_one(Path(root), argv) for argv in commands) if o)


def _one(root: Path, argv: list[str]) -> str:
    name, args = argv[0], argv[1:]
    flags = {a for a in args if re.fullmatch(r"-[a-zA-Z]+", a)}
    operands = [a for a in args if a not in flags]
    if name == "pwd":
        return "/testbed"
    if name == "ls":
        targets = _expand(root, operands) if operands else [root]
        lines = []
        for target in targets:
            if target.is_dir():
                lines.extend(sorted(p.name + ("/" if p.is_dir() else "") for p in target.iterdir()))
            elif target.exists():
                lines.append(_rel(root, target))
            else:
                raise ShellError(f"ls: {_rel(root, target)}: no such file or directory")
        return "\n".join(lines)
    if name == "cat":
        out = []
        for target in _expand(root, operands):
            if not target.is_file():
                raise ShellError(f"cat: {_rel(root, target)}: no such file")
            out.append(target.read_text(encoding="utf-8", errors="replace"))
        return "".join(out)
    if name == "mkdir":
        for target in _expand(root, operands):
            target.mkdir(parents=True, exist_ok=True)
        return ""
    if name == "touch":
        for target in _expand(root, operands):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
        return ""
    if name == "echo":
        if ">" in operands or ">>" in operands:
            op = ">>" if ">>" in operands else ">"
            at = operands.index(op)
            text, files = " ".join(operands[:at]), operands[at + 1:]
            if len(files) != 1:
                raise ShellError("echo: expected one file after the redirection")
            target = confine(root, files[0])
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a" if op == ">>" else "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            return ""
        return " ".join(operands)
    if name in {"cp", "mv"}:
        if len(operands) < 2:
            raise ShellError(f"{name}: needs a source and a destination")
        sources = _expand(root, operands[:-1])
        destination = confine(root, operands[-1])
        if len(sources) > 1 and not destination.is_dir():
            raise ShellError(f"{name}: target {_rel(root, destination)} is not a directory")
        for source in sources:
            if not source.exists():
                raise ShellError(f"{name}: {_rel(root, source)}: no such file or directory")
            target = destination / source.name if destination.is_dir() else destination
            target.parent.mkdir(parents=True, exist_ok=True)
            if name == "mv":
                shutil.move(str(source), str(target))
            elif source.is_dir():
                if "-r" not in flags and "-R" not in flags:
                    raise ShellError(f"cp: -r not specified; omitting directory {_rel(root, source)}")
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
        return ""
    if name == "rm":
        for target in _expand(root, operands):
            if target == root.resolve():
                raise ShellError("rm: refusing to remove the testbed")
            if target.is_dir():
                if not {"-r", "-rf", "-fr", "-R"} & flags:
                    raise ShellError(f"rm: {_rel(root, target)} is a directory")
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            elif "-f" not in flags and "-rf" not in flags and "-fr" not in flags:
                raise ShellError(f"rm: {_rel(root, target)}: no such file")
        return ""
    raise ShellError(f"{name}: command not available (allowed: ls, pwd, cat, mkdir, touch, cp, mv, rm, echo)")
