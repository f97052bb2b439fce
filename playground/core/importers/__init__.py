"""Graphs from outside the playground: pasted `nn.Sequential` source and ONNX files."""
