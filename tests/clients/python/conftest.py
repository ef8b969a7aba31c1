"""Starts the real emulator binary on a free port for the Python client tests."""
import os
import subprocess

import boto3
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def emulator_binary():
    path = os.environ.get("IVSCHAT_EMULATOR_BIN", os.path.join(ROOT, "target", "debug", "ivschat-emulator"))
    if not os.path.exists(path):
        pytest.fail(f"emulator binary not found at {path}: run `cargo build -p ivschat-emulator` first")
    return path


class Emulator:
    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [emulator_binary(), "--bind", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        assert line.startswith("listening on "), f"unexpected first line: {line!r}"
        self.endpoint = line[len("listening on "):]

    def client(self, key="AKIDEXAMPLE", secret="secret", region="us-east-1"):
        return boto3.client(
            "ivschat",
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def emulator():
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def strict_emulator():
    emu = Emulator("--credentials", "AKIDSTRICT:s3cr3t")
    yield emu
    emu.stop()
