<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivationsPanel</name>
    <message>
        <source>Activations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LeakyReLU&apos;s slope α for x &lt; 0 (PyTorch&apos;s default is 0.01; 0.1 is easier to see). The race uses this value too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LeakyReLU α</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation f(x)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Derivative f′(x)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation race</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Race the checked activations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check at least one activation to race.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model has no activation layer to swap: add one (e.g. ReLU) after a Linear layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Formula</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Derivative</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zero-centred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vanishing gradient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dead neurons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Cannot open {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data of {file} cannot be loaded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BoundaryThumbnail</name>
    <message>
        <source>epoch</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CodeView</name>
    <message>
        <source>The model is not valid yet, so there is no code to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dataset cannot be loaded:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix these problems (the inspector and the summary show them too):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model has no single output node.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the code to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The code cannot be generated: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class {name}(nn.Module)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{signature} — updated as you edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No code while the model has problems</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompareCommands</name>
    <message>
        <source>Save {count} run(s) in the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the saved runs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Activations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LR schedules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation functions and their derivatives; race them on the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer paths on 2-D surfaces; race optimizers on the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Design learning-rate schedules, race them, find a good LR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every finished run of this session, overlaid and tabulated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run {n}: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run history ({n})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditorCommands</name>
    <message>
        <source>Add {type}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move {count} node(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect {a} → {b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect {a} → {b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change {field} of {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename {a} to {b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change data settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change training settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change initialisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit {field}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GraphEditor</name>
    <message>
        <source>Add {type} after {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete {count} item(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied {count} layer(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste {count} layer(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate {count} layer(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a name cannot be empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a node called &apos;{id}&apos; already exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot rename &apos;{id}&apos;: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto-arrange</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete connection {a} → {b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit Graph in View</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GraphScene</name>
    <message>
        <source>Editing is locked right now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot connect: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect {a} → {b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected {a} → {b}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <source>Drag layers here from the palette</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>Exponential moving average, debiased (as in TensorBoard).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>± std bands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export plot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export table…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save in experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep these runs in the experiment file (undoable); they come back when the file is opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load from experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished runs appear here: race some activations, optimizers or schedules, or train the experiment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick to draw this run; double-click to rename it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plot saved to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Table saved to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} run(s) will be saved with the experiment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{m} run(s) of other experiments stay in the history only.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>{count} layers selected: {ids}.

Select one layer to edit its parameters, or click the empty canvas for the experiment&apos;s settings.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LayerPalette</name>
    <message>
        <source>Drag onto the canvas, or double-click to add after the selected layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search layers…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LayerReference</name>
    <message>
        <source>parameter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>meaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter layers (name or description)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LessonView</name>
    <message>
        <source>(the lesson continues; {count} characters not shown — open Edit to see all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the lesson text (Markdown); click again to see it rendered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This lesson holds words of over {count} characters, so the editor wraps lines anywhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the lesson in Markdown: # headings, **bold**, *italic*, lists …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>*This experiment has no lesson text yet.* Click **Edit** to write one: what to try, what to watch for, what it teaches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build the network by drag and drop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch the network learn: loss, learning rate, gradients and the task view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare activations, optimizers and learning-rate schedules side by side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new, empty experiment: an input on a 2-D dataset, ready for your layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an experiment file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save under a new name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto-&amp;arrange</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lay the graph out in tidy columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit Graph in View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Layer Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Neural Network Playground</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New from &amp;Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide the {panel} panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live View &amp;Frame Rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate} frames a second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train in a Separate &amp;Process</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training runs in its own process, so the window stays smooth and a crash cannot take it down. Turn it off where child processes are not allowed (then training shares this process).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no presets found)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear Menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no recent files)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⚠ dataset: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ valid · {count} parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every shape fits; the model can be trained and exported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added {type} &apos;{id}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Neural Network Playground</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Neural Network Playground {version}&lt;/h3&gt;&lt;p&gt;Build real PyTorch networks by drag and drop, train them and watch them learn.&lt;/p&gt;&lt;p&gt;Every model is a genuine &lt;code&gt;torch.nn.Module&lt;/code&gt;: the Code panel shows it, and File ▸ Export writes it as Python, ONNX or a torch.export program.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live views redraw up to {rate} times a second from the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training runs in a separate process from the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training runs in this window&apos;s process from the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The experiment could not be shown, so nothing was changed:

{problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} cannot be opened:

{problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} cannot be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what} was opened, but its dataset cannot be loaded:

{error}

Choose the data in the inspector (click the empty canvas) before training.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{name}” has unsaved changes. Save them first?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New experiment: drag layers from the palette onto the canvas and connect them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open preset {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened the preset “{name}” as a new experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data of {file} cannot be loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace {file}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} already exists. Replace it with this experiment?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The experiment was not saved to {path}:

{error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} cannot be opened ({count} problems):

{lines}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model has problems; fix them first (see the Summary panel):

{status}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export {format}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting {file}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} was not written:

{error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recovery copy cannot be read, so nothing was restored. It is kept at {path} (choose Discard next time to delete it):

{error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recovery copy is kept at {path} (choose Discard next time to delete it).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored unsaved work from {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The playground did not close normally last time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A recovery copy of {what} was found. Restore it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NodeInspector</name>
    <message>
        <source>The node&apos;s name: the attribute of the nn.Module in the generated code. Letters, digits and underscores.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This layer has no parameters to set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shape and size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A node called &apos;{id}&apos; already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied: {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shapes are unknown until the dataset loads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset problem: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multiply-adds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply this fix (one undoable step)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
    <message>
        <source>data: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} params</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shape unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output {shape}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} multiply-adds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>right-click to fix</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OptimizersPanel</name>
    <message>
        <source>steps: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tol.: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path has arrived when f − f_min is at most this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>noise: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gaussian noise added to every gradient (like mini-batch noise); the same seed always gives the same paths.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Surface</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lr (surface)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>steps to tol.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>final f</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lr (experiment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The learning rate this optimizer gets in the race on the current experiment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Animate the paths from the start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Animation speed (steps per frame)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distance to the minimum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>f − f_min (log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer race</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Race the checked optimizers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (★ minimum, ○ start)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computing the paths…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The optimizer paths could not be computed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diverged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&gt; {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check at least one optimizer to race.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ParamEditors</name>
    <message>
        <source>Accepts {range}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>May be left empty (none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty = none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unticked: none (the default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More options</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Plots</name>
    <message>
        <source>Decision boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discretize output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flat class colours (a hard decision) instead of shades of confidence.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show test data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output surface</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour = the model&apos;s output: orange low ({low:.2g}), blue high ({high:.2g}). Points show the true values; white rim = training, dark rim = test.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test point (dark rim)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour = the class the model predicts at each point of the plane; paler = less sure. White rim = training point, dark rim = test point.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confusion matrix ({split} split)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{correct:.1%} of {total} correct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>‖gradient‖ (log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>latest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update ÷ weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>‖Δw‖ / ‖w‖ (log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>typical ≈ 1e-3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>‖w‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>share of units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no ReLU, Sigmoid or Tanh layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers from input (left) to output (right) · solid: latest epoch · dashed: first epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics appear after the first epoch: per-layer gradients, weights and activations, with a hint when something looks wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No warning signs: gradients reach every layer, few units are dead or saturated, and the steps are of a sensible size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>truth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>forecast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next value: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One window: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>time step (0 = the value to predict)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>window </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test images and predictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test images: {mistakes} of {count} wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{pred} (true {true})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true {true}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>train, per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>train, smoothed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>train, epoch mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exponential moving average of the per-step loss (as in TensorBoard), with the start-up bias removed. 0 = raw values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x: step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x: epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logarithmic loss axis: late, small improvements become visible.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accuracy: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>share correct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MAE: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean abs. error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MAE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R²: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R² (1 = perfect)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>planned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it has {layers}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its layers branch, merge or start with an activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The network view draws plain dense networks (Linear layers and activations in a chain, as in TensorFlow Playground); this model is not one: {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This network has {count} hidden units; the network view maps at most {limit}. Use fewer or smaller hidden layers to see every unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Train: every unit of the network then shows its output over the plane.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the first maps of the units…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} · unit {index}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output: p(class {name})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output {index}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Squares: each unit over the plane. Lines: weights. Hover a unit to see it large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each square: a unit&apos;s output over the plane (orange negative, blue positive). Lines: weights (blue positive, orange negative, thicker = larger). Hover a unit to see it large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Squares: each unit over the plane (no lines: layers of more than {limit} units). Hover a unit to see it large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each square: a unit&apos;s output over the plane (orange negative, blue positive). Layers of more than {limit} units: maps only, no connections. Hover a unit to see it large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: from {low:.3g} to {high:.3g} over the plane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{source} → {target}: weight {weight:.3g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted vs true (test split)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>predicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Train: this view then shows what the model does with its data — the decision boundary for 2-D points, predictions on test images, or a forecast for sequences.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProblemsButton</name>
    <message>
        <source>Click to list them and select the layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems: every shape fits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RaceSection</name>
    <message>
        <source>Train the current experiment once per contender: same initial weights, same batches in the same order, in lock-step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epochs: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs per contender (the experiment&apos;s own number by default).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seeds: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat each contender with this many seeds and draw mean ± std.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one contender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Racing {n} contenders…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Racing {n} contenders from identical initial weights on the same batches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Racing {n} contenders; initial weights shared where shapes allow ({shared} tensors), same batches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped. {n} run(s) went into the history.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished in {s:.1f} s. {n} run(s) went into the history.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The race could not run: {message}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RaceView</name>
    <message>
        <source>Training loss per step (smoothed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss (solid: train, dashed: validation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation R²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lines: mean, bands: ± std over {n} seeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>train loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>val loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>val accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>val MAE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>val R²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SchedulesPanel</name>
    <message>
        <source>Schedule designer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use in experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the selected schedule as the experiment&apos;s scheduler (undoable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Constant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linear warmup: the LR grows from lr/(W+1) to lr over the first W steps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps the scheduler</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warmup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate per step (before training)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>learning rate (log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LR range test: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LR range test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>smoothed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run LR range test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply suggested LR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the experiment&apos;s optimizer learning rate (undoable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule race</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Race the checked schedules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment: {type}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cosine {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (if it never plateaus)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{epochs} epochs × {steps} steps per epoch = {total} steps; base LR {lr}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (the plot shows the first {count} steps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The experiment now uses the schedule “{name}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate set to {lr}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check at least one schedule to race.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The end LR must be larger than the start LR.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sweeping the learning rate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>suggested {lr}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suggested LR: &lt;b&gt;{lr}&lt;/b&gt; (where the smoothed loss falls fastest); lowest loss at {low}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No suggestion: too few steps before the loss exploded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The range test could not run: {message}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsInspector</name>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a layer on the canvas to edit it; click the empty canvas to come back here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of the samples the model learns from.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share used to watch for overfitting (early stopping, keep best).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held out until the end: the rest of the samples.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> % train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> % val</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (constant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LR schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every step uses the whole training set (batch gradient descent).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L1 penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clip gradients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit the gradient before each step: a cure for exploding gradients.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop when the monitored metric has not improved for `patience` epochs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the best weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remember the weights of the best epoch by the monitored metric.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restore them at the end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Initialisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>regression, {count} value(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name has {count} characters; the field shows the first {shown}. Type a new name to replace it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{percent} % test</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>Node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The node&apos;s id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layer type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output shape; N is the batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Params</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trainable parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MACs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multiply-accumulate operations per sample (a measure of compute)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems: every shape fits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model output: {shape}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} warnings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingController</name>
    <message>
        <source>Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train the model; while training, pause; while paused, resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train on one batch, then pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step Epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train to the end of the epoch, then pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop training (the plots keep the run)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget the run and show the initial weights again (same seed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Metrics as CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Step Losses as CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not trained yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate of the running model: change it while training and watch the loss react (the change is marked in the learning-rate plot).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The experiment was changed, so training stopped; the plots show the run up to that point.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another experiment was opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The network or its settings changed after this run: the plots show the run as it was trained (it stays in the run history). Train to train the changed experiment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset: the model starts again from its initial weights.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate set to {lr:g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the dataset cannot be loaded: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (and {count} more)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fix the graph first — {node}{message}{more}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the graph has no output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot train: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training diverged. {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training could not run: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>validation accuracy {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test accuracy {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>validation R² {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test MAE {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs} · step {step}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · {rate} samples/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>took {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss &amp;&amp; Metrics Plot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning Rate Plot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task View…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network View…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss &amp;&amp; metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set to {lr:g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diverged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>❚❚ paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✕ diverged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>■ stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train (F5) runs the experiment, Step (F10) one batch, Step Epoch (Shift+F10) one epoch; change the learning rate while it runs. Messages about the run appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no run to export yet: train first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write {path}:
{error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
