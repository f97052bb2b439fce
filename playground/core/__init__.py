"""The Qt-free heart of the playground: format, catalogue, graph, data, training, exports.

Nothing under this package may import Qt; `tests/core/test_no_qt.py` enforces it.
"""
