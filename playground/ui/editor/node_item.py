"""The canvas card of one layer: type, id, key parameters, output shape and parameter count.

A `NodeItem` only displays; what it shows comes from the document and its shape report via
`NodeContent` (built by `describe_node`). Moving it by mouse is reported to the scene, which
turns the finished drag into one undo command.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QApplication, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from playground.core.catalogue import LAYERS, Fix
from playground.core.experiment.schema import BLOCK_TYPE, BlockSpec, NodeSpec
from playground.ui.editor.hover import HoverHighlight
from playground.ui.editor.port_item import PortItem
from playground.ui.editor.theme import CanvasColors, mix, readable_on

if TYPE_CHECKING:
    from playground.core.graph.inference import GraphIssue, NodeReport

NODE_WIDTH = 140.0
HEADER_HEIGHT = 22.0
LINE_HEIGHT = 15.0
NODE_HEIGHT = HEADER_HEIGHT + 6 + 4 * LINE_HEIGHT + 4  # 92
CORNER = 6.0
LOD_OVERVIEW = 0.62  # below this zoom a card shows only its type and shape, in larger letters
OVERVIEW_SCREEN_PIXELS = 10.0
PADDING = 7.0
BLOCK_COLOR = "#8e6cc4"  # block cards: one colour for every block, apart from every layer category
STACK_OFFSET = 4.0  # a repeated block is drawn as a small stack of cards

# Short labels for the key parameters shown on a card (the inspector shows full names).
_SHORT_NAMES = {
    "out_features": "out",
    "out_channels": "out",
    "kernel_size": "k",
    "stride": "s",
    "padding": "p",
    "hidden_size": "hidden",
    "num_heads": "heads",
    "nhead": "heads",
    "dim_feedforward": "ff",
    "embedding_dim": "dim",
    "negative_slope": "slope",
    "output_size": "size",
    "unflattened_size": "shape",
}


MIN_HEADER_POINTS = 6.5  # a long type name (TransformerEncoderLayer) shrinks to this before it is cut


def tr(text: str) -> str:
    return QCoreApplication.translate("NodeItem", text)


def fitted_font(font: QFont, text: str, width: float, minimum_points: float) -> QFont:
    """`font`, made smaller (down to `minimum_points`) until `text` fits in `width`."""
    fitted = QFont(font)
    while QFontMetricsF(fitted).horizontalAdvance(text) > width and fitted.pointSizeF() - 0.5 >= minimum_points:
        fitted.setPointSizeF(fitted.pointSizeF() - 0.5)
    return fitted


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "×".join(format_value(v) for v in value)
    return str(value)


def key_params_text(node: NodeSpec) -> str:
    layer = LAYERS.get(node.type)
    if layer is None:
        return ""
    parts = []
    for name in layer.key_params:
        try:
            default = layer.param(name).default
        except KeyError:
            default = None
        value = node.params.get(name, default)
        if value is None:
            continue
        parts.append(f"{_SHORT_NAMES.get(name, name)} {format_value(value)}")
    return " · ".join(parts)


@dataclass
class NodeContent:
    """Everything a card shows, already worded."""

    layer_type: str
    key_params: str = ""
    shape: str = ""
    params: str = ""
    error: str = ""  # first error message; the card turns red
    warning: str = ""
    fixes: tuple[Fix, ...] = ()
    tooltip: str = ""
    color: str = "#5b8def"
    output_text: str = ""  # the shape text an outgoing edge carries
    extra: dict[str, Any] = field(default_factory=dict)


def describe_node(
    node: NodeSpec,
    report: NodeReport | None,
    issues: list[GraphIssue],
    report_error: str | None,
    dataset: str = "",
    blocks: Mapping[str, BlockSpec] | None = None,
) -> NodeContent:
    """Word the card of `node` from the shape report (None when the dataset cannot be read)."""
    if node.type == BLOCK_TYPE:
        return describe_block(node, report, issues, report_error, blocks or {})
    layer = LAYERS.get(node.type)
    content = NodeContent(node.type, color=layer.color if layer else "#888888")
    content.key_params = key_params_text(node)
    if node.type == "Input" and dataset:
        content.key_params = QCoreApplication.translate("NodeItem", "data: {name}").format(name=dataset)
    errors = [issue for issue in issues if issue.severity == "error"]
    warnings = [issue for issue in issues if issue.severity != "error"]
    if report is not None and report.output is not None:
        content.output_text = report.output.text()
        content.shape = content.output_text
        if layer is not None and layer.has_module:
            content.params = QCoreApplication.translate("NodeItem", "{count} params").format(count=f"{report.params:,}")
        elif node.type != "Input":
            content.params = QCoreApplication.translate("NodeItem", "no parameters")
    elif report_error:
        content.shape = QCoreApplication.translate("NodeItem", "shape unknown")
    else:
        content.shape = "—"
    if errors:
        content.error = errors[0].message
        content.fixes = tuple(fix for issue in errors for fix in issue.fixes)
    if warnings:
        content.warning = warnings[0].message
        content.fixes += tuple(fix for issue in warnings for fix in issue.fixes)

    lines = [f"<b>{html.escape(node.type)}</b> &nbsp;<code>{html.escape(node.id)}</code>"]
    for issue in errors:
        lines.append(f"<p style='color:#d62728'>⚠ {html.escape(issue.message)}</p>")
    for issue in warnings:
        lines.append(f"<p style='color:#b07800'>⚠ {html.escape(issue.message)}</p>")
    if report_error:
        unchecked = QCoreApplication.translate("NodeItem", "Shapes cannot be checked: {error}").format(
            error=report_error
        )
        lines.append(f"<p>{html.escape(unchecked)}</p>")
    if content.fixes:
        right_click = QCoreApplication.translate("NodeItem", "Right-click for a fix.")
        lines.append(f"<p><i>{html.escape(right_click)}</i></p>")
    if report is not None and report.output is not None:
        facts = QCoreApplication.translate("NodeItem", "Output {shape}").format(shape=report.output.text())
        if layer is not None and layer.has_module:
            facts += " · " + QCoreApplication.translate("NodeItem", "{count} parameters").format(
                count=f"{report.params:,}"
            )
        if report.macs:
            facts += " · " + QCoreApplication.translate("NodeItem", "{count} multiply-adds").format(
                count=f"{report.macs:,}"
            )
        lines.append(f"<p>{html.escape(facts)}</p>")
    if layer is not None:
        lines.append(f"<p>{html.escape(layer.help_text)}</p>")
        if layer.formula:
            lines.append(f"<p><code>{html.escape(layer.formula)}</code></p>")
    content.tooltip = "".join(lines)
    return content


def describe_block(
    node: NodeSpec,
    report: NodeReport | None,
    issues: list[GraphIssue],
    report_error: str | None,
    blocks: Mapping[str, BlockSpec],
) -> NodeContent:
    """Word a block card: its name and repeat count, how many layers, the output and parameters."""
    name = str(node.params.get("block", ""))
    block = blocks.get(name)
    repeat = node.params.get("repeat", 1)
    title = f"{name} ×{repeat}" if repeat != 1 else name
    content = NodeContent(title, color=BLOCK_COLOR, extra={"block": True, "repeat": repeat})
    layers = [inner.type for inner in block.nodes] if block is not None else []
    content.key_params = QCoreApplication.translate("NodeItem", "block of {count} layers").format(count=len(layers))
    errors = [issue for issue in issues if issue.severity == "error"]
    warnings = [issue for issue in issues if issue.severity != "error"]
    if report is not None and report.output is not None:
        content.output_text = content.shape = report.output.text()
        content.params = QCoreApplication.translate("NodeItem", "{count} params").format(count=f"{report.params:,}")
    else:
        content.shape = QCoreApplication.translate("NodeItem", "shape unknown") if report_error else "—"
    if errors:
        content.error = errors[0].message
    if warnings:
        content.warning = warnings[0].message
    lines = [
        "<b>"
        + html.escape(QCoreApplication.translate("NodeItem", "Block {name}").format(name=title))
        + f"</b> &nbsp;<code>{html.escape(node.id)}</code>"
    ]
    for issue in errors:
        lines.append(f"<p style='color:#d62728'>⚠ {html.escape(issue.message)}</p>")
    for issue in warnings:
        lines.append(f"<p style='color:#b07800'>⚠ {html.escape(issue.message)}</p>")
    if layers:
        lines.append(f"<p>{html.escape(' → '.join(layers))}</p>")
    if report is not None and report.output is not None:
        facts = QCoreApplication.translate("NodeItem", "Output {shape}").format(shape=report.output.text())
        facts += " · " + QCoreApplication.translate("NodeItem", "{count} parameters").format(count=f"{report.params:,}")
        lines.append(f"<p>{html.escape(facts)}</p>")
    lines.append(
        "<p><i>"
        + html.escape(
            QCoreApplication.translate(
                "NodeItem", "Every card of this block shares its layers. Double-click to expand it in place."
            )
        )
        + "</i></p>"
    )
    content.tooltip = "".join(lines)
    return content


class NodeItem(HoverHighlight, QGraphicsItem):
    """A rounded card; its position is the card's top-left corner (the document's `pos`)."""

    def __init__(self, node_id: str, content: NodeContent):
        super().__init__()
        self.node_id = node_id
        self.content = content
        self.edges: list = []  # EdgeItems touching this node, kept by the scene
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(1.0)
        layer = LAYERS.get(content.layer_type)
        self.input_port: PortItem | None = None
        if layer is None or layer.max_inputs != 0:
            multiple = layer is not None and (layer.max_inputs is None or layer.max_inputs > 1)
            self.input_port = PortItem(self, is_output=False, multiple=multiple)
            self.input_port.setPos(0.0, NODE_HEIGHT / 2)
        self.output_port = PortItem(self, is_output=True)
        self.direction = "left_to_right"
        self._place_ports()
        self.set_content(content)

    def set_direction(self, direction: str) -> None:
        """Ports left and right ("left_to_right"), or on the top and bottom edges ("top_down")."""
        if direction != self.direction:
            self.direction = direction
            self._place_ports()
            for edge in self.edges:
                edge.update_path()

    def _place_ports(self) -> None:
        down = self.direction == "top_down"
        if self.input_port is not None:
            self.input_port.set_across(down)
            self.input_port.setPos(*((NODE_WIDTH / 2, 0.0) if down else (0.0, NODE_HEIGHT / 2)))
        self.output_port.set_across(down)
        self.output_port.setPos(*((NODE_WIDTH / 2, NODE_HEIGHT) if down else (NODE_WIDTH, NODE_HEIGHT / 2)))

    # ---- what it shows ----------------------------------------------------------------------
    @property
    def invalid(self) -> bool:
        return bool(self.content.error)

    @property
    def has_warning(self) -> bool:
        return bool(self.content.warning) and not self.content.error

    def set_content(self, content: NodeContent) -> None:
        if content.extra.get("block") != self.content.extra.get("block") or content.extra.get(
            "repeat"
        ) != self.content.extra.get("repeat"):
            self.prepareGeometryChange()
        self.content = content
        self.setToolTip(content.tooltip)
        self.update()

    def colors(self) -> CanvasColors:
        scene = self.scene()
        if scene is not None and hasattr(scene, "colors"):
            return scene.colors()
        return CanvasColors.from_palette(QApplication.palette())

    def card_rect(self) -> QRectF:
        return QRectF(0.0, 0.0, NODE_WIDTH, NODE_HEIGHT)

    def stack_depth(self) -> int:
        """How many cards a block draws behind its own: 1, or 2 when it repeats; 0 for a layer."""
        if not self.content.extra.get("block"):
            return 0
        return 2 if self.content.extra.get("repeat", 1) != 1 else 1

    def boundingRect(self) -> QRectF:
        grow = self.stack_depth() * STACK_OFFSET
        return self.card_rect().adjusted(-8.0, -8.0, 8.0 + grow, 8.0 + grow)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), CORNER, CORNER)
        return path

    def output_anchor(self) -> QPointF:
        return self.output_port.anchor()

    def input_anchor(self, index: int = 0, count: int = 1) -> QPointF:
        if self.input_port is None:
            down = self.direction == "top_down"
            return self.mapToScene(QPointF(NODE_WIDTH / 2, 0.0) if down else QPointF(0.0, NODE_HEIGHT / 2))
        return self.input_port.anchor(index, count)

    # ---- interaction ------------------------------------------------------------------------
    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None and hasattr(scene, "cards_moved"):
                scene.cards_moved()
            for edge in self.edges:
                edge.update_path()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(2.0 if value else 1.0)
        return super().itemChange(change, value)

    # ---- painting -------------------------------------------------------------------------
    def fonts(self) -> tuple[QFont, QFont, QFont]:
        scene = self.scene()
        base = QFont(scene.font()) if scene is not None else QFont()
        header = QFont(base)
        header.setPointSizeF(8.5)
        header.setBold(True)
        body = QFont(base)
        body.setPointSizeF(8.0)
        strong = QFont(body)
        strong.setBold(True)
        return header, body, strong

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colors = self.colors()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        rect = self.card_rect()
        content = self.content

        # soft shadow, then the card (a block: a stack of cards behind it, two when repeated)
        shadow = QColor(0, 0, 0, 90 if colors.dark else 40)
        if self.stack_depth():
            for depth in range(self.stack_depth(), 0, -1):
                painter.setPen(QPen(colors.card_border, 1.0))
                painter.setBrush(QBrush(mix(colors.card, colors.layer_color(content.color), 0.25)))
                painter.drawRoundedRect(rect.translated(depth * STACK_OFFSET, depth * STACK_OFFSET), CORNER, CORNER)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(shadow)
        painter.drawRoundedRect(rect.translated(0.0, 2.0), CORNER, CORNER)
        painter.setBrush(QBrush(colors.card))
        painter.drawRoundedRect(rect, CORNER, CORNER)

        # coloured header
        header_color = colors.layer_color(content.color)
        header = QPainterPath()
        header.setFillRule(Qt.FillRule.WindingFill)
        header_rect = QRectF(rect.left(), rect.top(), rect.width(), HEADER_HEIGHT)
        header.addRoundedRect(header_rect, CORNER, CORNER)
        header.addRect(QRectF(rect.left(), rect.top() + HEADER_HEIGHT / 2, rect.width(), HEADER_HEIGHT / 2))
        painter.setBrush(header_color)
        painter.drawPath(header.simplified())

        header_font, body_font, strong_font = self.fonts()
        inner = rect.width() - 2 * PADDING
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_OVERVIEW:
            self._paint_overview(painter, colors, header_font, lod)
            self._paint_border(painter, colors)
            return
        header_font = fitted_font(header_font, content.layer_type, inner, MIN_HEADER_POINTS)
        painter.setFont(header_font)
        painter.setPen(readable_on(header_color))
        metrics = QFontMetricsF(header_font)
        painter.drawText(
            QRectF(PADDING, 0.0, inner, HEADER_HEIGHT),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(content.layer_type, Qt.TextElideMode.ElideRight, inner),
        )

        top = HEADER_HEIGHT + 4.0
        lines: list[tuple[str, QFont, QColor]] = [
            (self.node_id, strong_font, colors.text),
            (content.key_params, body_font, colors.dim_text),
        ]
        if content.error:
            lines.append(("⚠ " + content.error, body_font, colors.error))
            lines.append(
                (
                    QCoreApplication.translate("NodeItem", "right-click to fix") if content.fixes else content.shape,
                    body_font,
                    colors.error if content.fixes else colors.dim_text,
                )
            )
        else:
            lines.append((content.shape, body_font, colors.text))
            lines.append((content.params, body_font, colors.dim_text))
        lines = [line for line in lines if line[0]]  # no gap where a layer has no key parameters
        for index, (text, font, color) in enumerate(lines):
            painter.setFont(font)
            painter.setPen(color)
            elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, inner)
            painter.drawText(
                QRectF(PADDING, top + index * LINE_HEIGHT, inner, LINE_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                elided,
            )

        self._paint_border(painter, colors)

    def _paint_overview(self, painter: QPainter, colors: CanvasColors, font: QFont, lod: float) -> None:
        """Zoomed far out: the type and the shape in letters big enough to read on screen."""
        content = self.content
        inner = NODE_WIDTH - 2 * PADDING
        big = QFont(font)
        big.setPixelSize(max(8, min(26, round(OVERVIEW_SCREEN_PIXELS / max(lod, 0.05)))))
        while big.pixelSize() > 8 and QFontMetricsF(big).horizontalAdvance(content.layer_type) > inner:
            big.setPixelSize(big.pixelSize() - 1)  # a long type name shrinks before it is cut
        metrics = QFontMetricsF(big)
        body = QRectF(PADDING, HEADER_HEIGHT, inner, NODE_HEIGHT - HEADER_HEIGHT)
        painter.setFont(big)
        painter.setPen(colors.text)
        first = QRectF(body.left(), body.top() + 2, inner, body.height() / 2)
        painter.drawText(
            first,
            Qt.AlignmentFlag.AlignCenter,
            metrics.elidedText(content.layer_type, Qt.TextElideMode.ElideRight, inner),
        )
        second = QRectF(body.left(), body.top() + body.height() / 2 - 2, inner, body.height() / 2)
        painter.setPen(colors.error if content.error else colors.dim_text)
        text = "⚠" if content.error else content.shape
        small = QFont(big)
        small.setBold(False)
        small.setPixelSize(max(8, round(big.pixelSize() * 0.85)))
        painter.setFont(small)
        painter.drawText(
            second,
            Qt.AlignmentFlag.AlignCenter,
            QFontMetricsF(small).elidedText(text, Qt.TextElideMode.ElideRight, inner),
        )

    def _paint_border(self, painter: QPainter, colors: CanvasColors) -> None:
        """Selection, error, warning and hover outlines (at least 2 screen pixels when zoomed out)."""
        rect = self.card_rect()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        thick = min(5.0, 2.0 / min(1.0, max(lod, 0.1)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.invalid:
            painter.setPen(QPen(colors.error, thick))
        elif self.has_warning:
            painter.setPen(QPen(colors.warning, thick))
        elif self._hovered:
            painter.setPen(QPen(mix(colors.card_border, colors.highlight, 0.6), 1.2))
        else:
            painter.setPen(QPen(colors.card_border, 1.0))
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), CORNER, CORNER)
        if self.isSelected():
            painter.setPen(QPen(colors.highlight, thick * 1.25))
            painter.drawRoundedRect(rect.adjusted(-3.0, -3.0, 3.0, 3.0), CORNER + 3, CORNER + 3)
