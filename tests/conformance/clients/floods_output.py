"""Bad client: prints coloured lines with control characters without end, never trades."""

import sys

line = b"\x1b[31mERROR\x1b[0m \x00\x07 retrying\r\n" * 4096
while True:
    sys.stdout.buffer.write(line)
