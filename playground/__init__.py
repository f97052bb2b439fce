"""Neural Network Playground: build, train and compare real PyTorch networks by drag and drop."""

__version__ = "0.1.0"
