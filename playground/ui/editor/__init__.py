"""The drag-and-drop graph editor: scene, items, view, palette and undo commands."""
