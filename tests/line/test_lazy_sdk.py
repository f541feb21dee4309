"""Issue 16 (memory): the LINE channel loads only the parts of line-bot-sdk it uses (bot/channels/line/lazy_sdk.py),
and every name the SDK's packages export is still there, the same object as the real package would give."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_fresh(code: str) -> str:
    """In a new interpreter, where nothing has imported the SDK yet."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_line_channel_loads_a_fraction_of_the_sdk_and_not_its_v2_client() -> None:
    found = run_fresh(
        """
        import sys
        import bot.channels.line
        models = [name for name in sys.modules if name.startswith("linebot.v3.messaging.models.")]
        print(len(models), "requests" in sys.modules, "linebot.api" in sys.modules)
        """
    )
    models, requests, v2_client = found.split()
    assert int(models) < 150  # of 400 and more
    assert (requests, v2_client) == ("False", "False")


def test_every_name_the_sdk_packages_export_is_still_there() -> None:
    found = run_fresh(
        """
        import importlib, sys
        from bot.channels.line import lazy_sdk
        from bot.channels.line.lazy_sdk import PACKAGES, _exports
        from pathlib import Path

        missing, different = [], []
        for package in PACKAGES:
            module = sys.modules[package]
            for name, (source, original) in _exports(Path(module.__file__), package).items():
                value = getattr(module, name, None)
                if value is None:
                    missing.append(f"{package}.{name}")
                elif value is not getattr(importlib.import_module(source), original):
                    different.append(f"{package}.{name}")
        from linebot.v3.messaging import TextMessage, FlexMessage, AsyncMessagingApi
        from linebot import LineBotApi
        from linebot.v3 import WebhookParser
        print(len(missing), len(different), TextMessage.__module__, WebhookParser.__name__)
        """
    )
    assert found == "0 0 linebot.v3.messaging.models.text_message WebhookParser"
