"""Records to pandas: the five frames of the column contract."""

from vizlib.frames.columns import FRAMES, Column
from vizlib.frames.table import build_frame, empty_frame, frame_from_rows

__all__ = ["FRAMES", "Column", "build_frame", "empty_frame", "frame_from_rows"]
