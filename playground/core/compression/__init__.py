"""The Compression Lab (no Qt): prune a trained model (unstructured or by whole units), fine-tune it
with its masks kept, quantise it to INT8, and measure each result the same way.

`CompressionLab` holds a trained model and its evaluation split; `prune`, `fine_tune` and
`quantize` return typed `Measurement`s (size, parameters not zero, metric, time per batch), and
`export` writes a row's weights as safetensors through the app's weights exporter.
"""

from playground.core.compression.lab import (
    Agreement,
    CompressionError,
    CompressionLab,
    EvalSplit,
    Evaluation,
    Measurement,
    MetricName,
    QuantizationComparison,
    ResultKind,
)
from playground.core.compression.measure import (
    ParameterCount,
    Timing,
    count_parameters,
    state_dict_bytes,
    time_per_batch,
)
from playground.core.compression.prune import (
    MAX_SHARE,
    PRUNE_METHODS,
    LayerPruning,
    PrunableLayer,
    PruneMethod,
    PruneOutcome,
    PruningError,
    make_permanent,
    prunable_layers,
    prune_model,
)
from playground.core.compression.quantize import (
    QUANTIZED_TYPE_NAMES,
    QuantizationError,
    QuantizationPlan,
    quantization_plan,
    quantize_int8,
)

__all__ = [
    "MAX_SHARE",
    "PRUNE_METHODS",
    "QUANTIZED_TYPE_NAMES",
    "Agreement",
    "CompressionError",
    "CompressionLab",
    "EvalSplit",
    "Evaluation",
    "LayerPruning",
    "Measurement",
    "MetricName",
    "ParameterCount",
    "PrunableLayer",
    "PruneMethod",
    "PruneOutcome",
    "PruningError",
    "QuantizationComparison",
    "QuantizationError",
    "QuantizationPlan",
    "ResultKind",
    "Timing",
    "count_parameters",
    "make_permanent",
    "prunable_layers",
    "prune_model",
    "quantization_plan",
    "quantize_int8",
    "state_dict_bytes",
    "time_per_batch",
]
