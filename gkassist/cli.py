"""The ``gkassist`` command: one program, subcommands in ``gkassist.commands``.

No traceback ever reaches the user: a ``UserError`` is printed as it is; anything else is logged to
a file in the data folder and reported in one Chinese sentence with the log's path. What a
subcommand prints goes through ``terminal.protected_output``: no text read from a file can crash
the print (a lone surrogate) or steer the terminal (an escape sequence).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from gkassist import __version__
from gkassist.errors import UserError
from gkassist.terminal import protected_output

# name -> module in gkassist.commands; each module has register(subparsers) and run(args) -> int
COMMANDS = ("check", "import", "render", "sessions", "export", "suggest")
EXIT_INTERNAL = 70


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
        # argparse passes prefix="" when it builds a subcommand's prog from this usage line;
        # forcing the prefix there printed 「用法：用法：gkassist sessions」.
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Chinese chrome and errors a user can act on."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - passes through to argparse
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        hint = _translate_argparse(message)
        sys.stderr.write(f"{self.prog}：参数有误：{hint}\n请运行 `{self.prog} --help` 查看用法。\n")
        sys.exit(2)


def _translate_argparse(message: str) -> str:
    table = {
        "the following arguments are required: ": "缺少必需的参数：",
        "unrecognized arguments: ": "无法识别的参数：",
        "invalid choice: ": "无效的选项：",
        "expected one argument": "该选项需要一个值",
        "(choose from ": "（可选：",
    }
    for en, zh in table.items():
        message = message.replace(en, zh)
    return message


class _Version(argparse.Action):
    """``--version``: the version and the rule engine this process runs (chosen only when asked:
    choosing imports the engine, which a plain command need not wait for)."""

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001 - argparse's signature
        from gkassist.engine import engine_label

        sys.stdout.write(f"gkassist {__version__}（规则引擎：{engine_label()}）\n")
        parser.exit()


def build_parser() -> Parser:
    parser = Parser(
        prog="gkassist",
        description=(
            "政府信息公开工作年度报告助手。\n"
            "不带参数运行时进入对话式填报：选择已保存的报告继续填写，或开始新报告。"
        ),
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="显示版本号和所用的规则引擎")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="命令", parser_class=Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"gkassist.commands.{_module_name(name)}")
        module.register(sub)
    return parser


def _module_name(command: str) -> str:
    return "import_" if command == "import" else command


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        return _main(args_list)  # the interview: Textual owns the terminal
    # a subcommand prints text read from files: nothing in it may crash the print or steer the
    # terminal (gkassist.terminal)
    with protected_output():
        return _main(args_list)


def _main(args_list: list[str]) -> int:
    try:
        if not args_list:
            from gkassist.commands import interview

            return interview.run(None)
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return 0
        module = importlib.import_module(f"gkassist.commands.{_module_name(args.command)}")
        return int(module.run(args) or 0)
    except UserError as err:
        sys.stderr.write(f"{err}\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已中断。已保存的内容不受影响。\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:
        from gkassist.files import log_crash

        log = log_crash(err) or "（日志写入失败）"
        sys.stderr.write(
            f"gkassist 遇到内部错误，操作未完成；已保存的报告不受影响。\n错误详情已写入：{log}\n"
            "请将该文件发给维护人员。\n"
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
