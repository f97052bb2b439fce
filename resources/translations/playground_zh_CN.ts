<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivationsPanel</name>
    <message>
        <source>Activations</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>LeakyReLU&apos;s slope α for x &lt; 0 (PyTorch&apos;s default is 0.01; 0.1 is easier to see). The race uses this value too.</source>
        <translation>LeakyReLU 在 x &lt; 0 时的斜率 α（PyTorch 默认为 0.01；0.1 更容易看清）。竞赛也使用这个值。</translation>
    </message>
    <message>
        <source>x from</source>
        <translation>x 下限</translation>
    </message>
    <message>
        <source>x to</source>
        <translation>x 上限</translation>
    </message>
    <message>
        <source>LeakyReLU α</source>
        <translation>LeakyReLU α</translation>
    </message>
    <message>
        <source>Activation f(x)</source>
        <translation>激活函数 f(x)</translation>
    </message>
    <message>
        <source>Derivative f′(x)</source>
        <translation>导数 f′(x)</translation>
    </message>
    <message>
        <source>Activation race</source>
        <translation>激活函数竞赛</translation>
    </message>
    <message>
        <source>Race the checked activations</source>
        <translation>让所选激活函数竞赛</translation>
    </message>
    <message>
        <source>Check at least one activation to race.</source>
        <translation>请至少勾选一个激活函数参加竞赛。</translation>
    </message>
    <message>
        <source>The model has no activation layer to swap: add one (e.g. ReLU) after a Linear layer.</source>
        <translation>模型中没有可替换的激活层：请在 Linear 层之后添加一个（如 ReLU）。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <source>Derivative</source>
        <translation>导数</translation>
    </message>
    <message>
        <source>Output range</source>
        <translation>输出范围</translation>
    </message>
    <message>
        <source>Zero-centred</source>
        <translation>零中心</translation>
    </message>
    <message>
        <source>Vanishing gradient</source>
        <translation>梯度消失</translation>
    </message>
    <message>
        <source>Dead neurons</source>
        <translation>死亡神经元</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>计算开销</translation>
    </message>
    <message>
        <source>Pros</source>
        <translation>优点</translation>
    </message>
    <message>
        <source>Cons</source>
        <translation>缺点</translation>
    </message>
    <message>
        <source>Checked activations</source>
        <translation>已勾选的激活函数</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>range</source>
        <translation>值域</translation>
    </message>
    <message>
        <source>vanishing</source>
        <translation>梯度消失</translation>
    </message>
    <message>
        <source>dead</source>
        <translation>神经元死亡</translation>
    </message>
    <message>
        <source>zero-centred</source>
        <translation>以零为中心</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Cannot open {file}</source>
        <translation>无法打开 {file}</translation>
    </message>
    <message>
        <source>The data of {file} cannot be loaded</source>
        <translation>无法加载 {file} 的数据</translation>
    </message>
</context>
<context>
    <name>AugmentPreview</name>
    <message>
        <source>Original</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>Augmented: {count} random versions</source>
        <translation>增强后：{count} 个随机版本</translation>
    </message>
    <message>
        <source>○ original samples   ● {count} jittered copies of each</source>
        <translation>○ 原始样本   ● 每个样本的 {count} 个抖动副本</translation>
    </message>
</context>
<context>
    <name>AugmentationEditor</name>
    <message>
        <source>Augmentation</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Preview augmentation…</source>
        <translation>预览数据增强…</translation>
    </message>
    <message>
        <source>Show training samples as the augmentation changes them, before training.</source>
        <translation>在训练前显示经数据增强改变后的训练样本。</translation>
    </message>
    <message>
        <source>The augmentations for this dataset appear once its data loads.</source>
        <translation>此数据集的数据加载后，这里会显示可用的数据增强。</translation>
    </message>
    <message>
        <source>The playground has no augmentation for this kind of data.</source>
        <translation>Playground 没有适用于这类数据的数据增强。</translation>
    </message>
    <message>
        <source>Random changes to every training batch, new in each epoch: more variety from the same samples. Validation and test data stay as they are.</source>
        <translation>对每个训练批做随机改变，每轮都重新生成：用同样的样本获得更多变化。验证数据和测试数据保持不变。</translation>
    </message>
    <message>
        <source>New samples</source>
        <translation>重新抽样</translation>
    </message>
    <message>
        <source>Augmentation preview</source>
        <translation>数据增强预览</translation>
    </message>
    <message>
        <source>Each row is one training image: the original, then {count} random versions of it as training batches could show it. Every epoch draws new ones.</source>
        <translation>每行是一张训练图像：先是原图，然后是它在训练批次中可能呈现的 {count} 个随机版本。每轮都会重新生成。</translation>
    </message>
    <message>
        <source>{name} (standardised)</source>
        <translation>{name}（已标准化）</translation>
    </message>
    <message>
        <source>Circles: {count} training samples (their first two inputs). Dots: {copies} jittered copies of each, as training batches could show them. Every epoch draws new ones.</source>
        <translation>圆圈：{count} 个训练样本（取其前两个输入）。圆点：每个样本的 {copies} 个抖动副本，即它们在训练批次中可能呈现的样子。每轮都会重新生成。</translation>
    </message>
    <message>
        <source>No preview: {reason}</source>
        <translation>无法预览：{reason}</translation>
    </message>
</context>
<context>
    <name>BlockActions</name>
    <message>
        <source>Cannot make a block: {reason}</source>
        <translation>无法创建块：{reason}</translation>
    </message>
    <message>
        <source>Make block {name} ({count} layers)</source>
        <translation>创建块 {name}（{count} 层）</translation>
    </message>
    <message>
        <source>Block {name} made of {count} layers. Double-click it to expand it; set its repeat count in the inspector.</source>
        <translation>已用 {count} 个层创建块 {name}。双击可展开；重复次数可在检查器中设置。</translation>
    </message>
    <message>
        <source>Make Block</source>
        <translation>创建块</translation>
    </message>
    <message>
        <source>Name of the new block (used for its class in exported code):</source>
        <translation>新块的名称（导出代码中用作它的类名）：</translation>
    </message>
    <message>
        <source>Cannot expand: {reason}</source>
        <translation>无法展开：{reason}</translation>
    </message>
    <message>
        <source>Expand block {name}</source>
        <translation>展开块 {name}</translation>
    </message>
    <message>
        <source>Expanded. To change every use of {name}, edit these layers and choose Update Block ▸ {name}.</source>
        <translation>已展开。要修改 {name} 的所有用处，请编辑这些层，然后选择“更新块 ▸ {name}”。</translation>
    </message>
    <message>
        <source>Cannot add the template: {reason}</source>
        <translation>无法添加模板：{reason}</translation>
    </message>
    <message>
        <source>Add template {name}</source>
        <translation>添加模板 {name}</translation>
    </message>
    <message>
        <source>Added {name} as block {block}: double-click it to see and edit its layers.</source>
        <translation>已把 {name} 添加为块 {block}：双击它可查看并编辑其中的层。</translation>
    </message>
    <message>
        <source>Cannot update the block: {reason}</source>
        <translation>无法更新块：{reason}</translation>
    </message>
    <message>
        <source>Update block {name}</source>
        <translation>更新块 {name}</translation>
    </message>
    <message>
        <source>Block {name} updated; {count} other uses changed with it.</source>
        <translation>块 {name} 已更新；另外 {count} 处用到它的地方也随之改变。</translation>
    </message>
</context>
<context>
    <name>BoundaryThumbnail</name>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
</context>
<context>
    <name>Classroom</name>
    <message>
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <source>Settings groups</source>
        <translation>设置分组</translation>
    </message>
    <message>
        <source>Layer categories</source>
        <translation>层类别</translation>
    </message>
    <message>
        <source>Training buttons</source>
        <translation>训练按钮</translation>
    </message>
    <message>
        <source>Controls Students See</source>
        <translation>学生可见的控件</translation>
    </message>
    <message>
        <source>Untick what this lesson hides from students. The choice is saved in the experiment file; View ▸ Show All Controls brings everything back for one session.</source>
        <translation>取消勾选本课程要对学生隐藏的内容。该选择保存在实验文件中；“视图 ▸ 显示全部控件”可在本次会话中恢复全部内容。</translation>
    </message>
    <message>
        <source>Show Everything</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Step Epoch</source>
        <translation>单轮</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
</context>
<context>
    <name>CodeView</name>
    <message>
        <source>The model is not valid yet, so there is no code to show.</source>
        <translation>模型尚未通过检查，因此没有可显示的代码。</translation>
    </message>
    <message>
        <source>The dataset cannot be loaded:</source>
        <translation>无法加载数据集：</translation>
    </message>
    <message>
        <source>Fix these problems (the inspector and the summary show them too):</source>
        <translation>请修正以下问题（检查器和摘要中也会显示）：</translation>
    </message>
    <message>
        <source>The model has no single output node.</source>
        <translation>模型没有唯一的输出节点。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the code to the clipboard</source>
        <translation>将代码复制到剪贴板</translation>
    </message>
    <message>
        <source>The code cannot be generated: {error}</source>
        <translation>无法生成代码：{error}</translation>
    </message>
    <message>
        <source>class {name}(nn.Module)</source>
        <translation>class {name}(nn.Module)</translation>
    </message>
    <message>
        <source>{signature} — updated as you edit</source>
        <translation>{signature}——随编辑实时更新</translation>
    </message>
    <message>
        <source>No code while the model has problems</source>
        <translation>模型有问题时不显示代码</translation>
    </message>
</context>
<context>
    <name>CompareCommands</name>
    <message>
        <source>Save {count} run(s) in the experiment</source>
        <translation>在实验中保存 {count} 次运行</translation>
    </message>
    <message>
        <source>Remove the saved runs</source>
        <translation>移除已保存的运行</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Lesson race</source>
        <translation>课程竞赛</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Optimizers</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>LR schedules</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Run history</source>
        <translation>运行历史</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>The variants this lesson compares, raced side by side</source>
        <translation>本课程比较的各个变体，让它们并排竞赛</translation>
    </message>
    <message>
        <source>Activation functions and their derivatives; race them on the experiment</source>
        <translation>激活函数及其导数；让它们在当前实验上竞赛</translation>
    </message>
    <message>
        <source>Optimizer paths on 2-D surfaces; race optimizers on the experiment</source>
        <translation>优化器在二维曲面上的路径；让优化器在当前实验上竞赛</translation>
    </message>
    <message>
        <source>Design learning-rate schedules, race them, find a good LR</source>
        <translation>设计学习率调度，让它们竞赛，找到合适的学习率</translation>
    </message>
    <message>
        <source>Every finished run of this session, overlaid and tabulated</source>
        <translation>本次会话中所有已完成的运行，叠加绘图并列表汇总</translation>
    </message>
    <message>
        <source>The results of playground sweep: mean ± std over seeds, parallel coordinates</source>
        <translation>playground sweep 的结果：各种子上的均值 ± 标准差，平行坐标图</translation>
    </message>
    <message>
        <source>Run {n}: {name}</source>
        <translation>运行 {n}：{name}</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Run history ({n})</source>
        <translation>运行历史（{n}）</translation>
    </message>
</context>
<context>
    <name>CompressionLab</name>
    <message>
        <source>Train the model first</source>
        <translation>请先训练模型</translation>
    </message>
    <message>
        <source>Wait for the run to finish</source>
        <translation>请等待运行结束</translation>
    </message>
    <message>
        <source>A run is under way. The Compression Lab works on a finished run&apos;s weights: they appear here when it ends.</source>
        <translation>正在进行一次运行。压缩实验室使用已完成运行的权重：运行结束后，它们会显示在这里。</translation>
    </message>
    <message>
        <source>The Compression Lab prunes and quantises the weights of a trained model, and this experiment has no finished run yet. Press Train and let it finish: the lab fills in when the run ends.</source>
        <translation>压缩实验室对训练好的模型的权重进行剪枝和量化，而此实验还没有已完成的运行。请点击“训练”并等待它完成：运行结束后，实验室就会显示内容。</translation>
    </message>
    <message>
        <source>The last run diverged, so its weights are not worth compressing. Train again (a smaller learning rate often helps).</source>
        <translation>上次运行已发散，其权重不值得压缩。请重新训练（较小的学习率通常有帮助）。</translation>
    </message>
    <message>
        <source>The last run kept no weights (it ended before its first epoch). Train for at least one epoch.</source>
        <translation>上次运行没有保留权重（它在第一轮之前就结束了）。请至少训练一轮。</translation>
    </message>
    <message>
        <source>The last run stopped before it finished an epoch: its weights are the untrained ones.</source>
        <translation>上次运行在完成一轮之前就停止了：它的权重仍是未训练的权重。</translation>
    </message>
</context>
<context>
    <name>CompressionWindow</name>
    <message>
        <source>Compression Lab</source>
        <translation>压缩实验室</translation>
    </message>
    <message>
        <source>Export Weights…</source>
        <translation>导出权重…</translation>
    </message>
    <message>
        <source>Save the selected row&apos;s weights as safetensors (pruned weights are zeros), with the experiment in a .weights.json file beside them</source>
        <translation>把所选行的权重保存为 safetensors（被剪除的权重为零），并在旁边用一个 .weights.json 文件保存实验</translation>
    </message>
    <message>
        <source>Pruning</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>Unstructured: smallest weights (L1)</source>
        <translation>非结构化：最小的权重（L1）</translation>
    </message>
    <message>
        <source>Structured: whole units and filters (L2)</source>
        <translation>结构化：整个单元和卷积核（L2）</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Share removed</source>
        <translation>剪除比例</translation>
    </message>
    <message>
        <source>Moving the slider prunes a fresh copy of the trained weights and measures it.</source>
        <translation>拖动滑块会对训练好的权重的一份新副本进行剪枝并测量。</translation>
    </message>
    <message>
        <source>Fine-tuning epochs</source>
        <translation>微调轮数</translation>
    </message>
    <message>
        <source>Prune and Fine-tune</source>
        <translation>剪枝并微调</translation>
    </message>
    <message>
        <source>Prune at the slider&apos;s share, then train with the experiment&apos;s optimizer, learning rate and loss; the masks keep pruned weights at zero</source>
        <translation>按滑块所示的比例剪枝，然后用实验的优化器、学习率和损失函数继续训练；掩码让被剪除的权重保持为零</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Dynamic INT8: the weights of Linear, LSTM and GRU layers are stored as 8-bit integers and activations are quantised batch by batch; other layers stay float32. Runs on the CPU.</source>
        <translation>动态 INT8：Linear、LSTM 和 GRU 层的权重以 8 位整数存储，激活值逐批量化；其他层保持 float32。在 CPU 上运行。</translation>
    </message>
    <message>
        <source>Quantise to INT8</source>
        <translation>量化为 INT8</translation>
    </message>
    <message>
        <source>Accuracy against sparsity</source>
        <translation>准确率与稀疏度</translation>
    </message>
    <message>
        <source>targeted weights pruned (%)</source>
        <translation>目标权重的剪除比例（%）</translation>
    </message>
    <message>
        <source>unstructured</source>
        <translation>非结构化</translation>
    </message>
    <message>
        <source>structured</source>
        <translation>结构化</translation>
    </message>
    <message>
        <source>unstructured, fine-tuned</source>
        <translation>非结构化，已微调</translation>
    </message>
    <message>
        <source>structured, fine-tuned</source>
        <translation>结构化，已微调</translation>
    </message>
    <message>
        <source>INT8</source>
        <translation>INT8</translation>
    </message>
    <message>
        <source>Preparing</source>
        <translation>正在准备</translation>
    </message>
    <message>
        <source>Loading the data and the trained weights…</source>
        <translation>正在加载数据和训练好的权重…</translation>
    </message>
    <message>
        <source>test split</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>validation split</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>the best weights (epoch {epoch}) of the last run of “{name}”</source>
        <translation>“{name}”上次运行的最佳权重（第 {epoch} 轮）</translation>
    </message>
    <message>
        <source>the weights after epoch {epoch} of the last run of “{name}”</source>
        <translation>“{name}”上次运行第 {epoch} 轮之后的权重</translation>
    </message>
    <message>
        <source>Compressing {whose}. Every row is measured on the {split} ({samples} samples): {metric}, the state dict&apos;s size serialised in memory, and the median time of one batch of {batch} on the CPU.</source>
        <translation>正在压缩{whose}。每一行都在{split}（{samples} 个样本）上测量：{metric}、state dict 在内存中序列化后的大小，以及在 CPU 上处理一批 {batch} 个样本的耗时中位数。</translation>
    </message>
    <message>
        <source>R² against sparsity</source>
        <translation>R² 与稀疏度</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Non-zero parameters</source>
        <translation>非零参数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Time per batch</source>
        <translation>每批耗时</translation>
    </message>
    <message>
        <source>Ready. Move the slider to prune.</source>
        <translation>就绪。拖动滑块即可剪枝。</translation>
    </message>
    <message>
        <source>The Compression Lab cannot start</source>
        <translation>压缩实验室无法启动</translation>
    </message>
    <message>
        <source>R² (the Training tab&apos;s regression score; MAE in the tooltip)</source>
        <translation>R²（“训练”标签页中的回归得分；MAE 见提示）</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>R² (test)</source>
        <translation>R²（测试集）</translation>
    </message>
    <message>
        <source>R² (validation)</source>
        <translation>R²（验证集）</translation>
    </message>
    <message>
        <source>Accuracy (test)</source>
        <translation>准确率（测试集）</translation>
    </message>
    <message>
        <source>Accuracy (validation)</source>
        <translation>准确率（验证集）</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>Trained model (float32)</source>
        <translation>训练好的模型（float32）</translation>
    </message>
    <message>
        <source>Dynamic INT8 quantisation</source>
        <translation>动态 INT8 量化</translation>
    </message>
    <message>
        <source>Structured pruning (whole units, L2)</source>
        <translation>结构化剪枝（整个单元，L2）</translation>
    </message>
    <message>
        <source>Unstructured pruning (L1)</source>
        <translation>非结构化剪枝（L1）</translation>
    </message>
    <message>
        <source>{method}, fine-tuned 1 epoch</source>
        <translation>{method}，微调 1 轮</translation>
    </message>
    <message>
        <source>{method}, fine-tuned {epochs} epochs</source>
        <translation>{method}，微调 {epochs} 轮</translation>
    </message>
    <message>
        <source>Zeroes the smallest weights of all these layers together: {count} weights in {names}.</source>
        <translation>把这些层的权重放在一起，将其中最小的置零：{names} 中共 {count} 个权重。</translation>
    </message>
    <message>
        <source>Removes, in each layer, the units (rows) or filters of smallest L2 norm, with their biases: {count} units in {names}.</source>
        <translation>在每一层中移除 L2 范数最小的单元（行）或卷积核，连同其偏置：{names} 中共 {count} 个单元。</translation>
    </message>
    <message>
        <source>The output layer {name} keeps its units: they are the model&apos;s outputs.</source>
        <translation>输出层 {name} 保留其全部单元：它们就是模型的输出。</translation>
    </message>
    <message>
        <source>Stopping the fine-tuning after the current step…</source>
        <translation>当前步完成后将停止微调…</translation>
    </message>
    <message>
        <source>Pruning {share} and measuring…</source>
        <translation>正在剪除 {share} 并测量…</translation>
    </message>
    <message>
        <source>Pruning {share} and fine-tuning…</source>
        <translation>正在剪除 {share} 并微调…</translation>
    </message>
    <message>
        <source>Stop Fine-tuning</source>
        <translation>停止微调</translation>
    </message>
    <message>
        <source>Quantising to INT8 and measuring…</source>
        <translation>正在量化为 INT8 并测量…</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>Quantised.</source>
        <translation>已量化。</translation>
    </message>
    <message>
        <source>{nonzero} of {total} ({percent})</source>
        <translation>{nonzero} / {total}（{percent}）</translation>
    </message>
    <message>
        <source>{size} ({change})</source>
        <translation>{size}（{change}）</translation>
    </message>
    <message>
        <source>{bytes} bytes: the state dict serialised with torch.save. Zeros take as much room as any number in a dense file.</source>
        <translation>{bytes} 字节：用 torch.save 序列化的 state dict。在稠密存储的文件中，零与其他任何数占用的空间一样多。</translation>
    </message>
    <message>
        <source>Median of {passes} passes of a batch of {batch} samples, {threads} CPU threads</source>
        <translation>一批 {batch} 个样本运行 {passes} 次的中位数，{threads} 个 CPU 线程</translation>
    </message>
    <message>
        <source>MAE {mae}, loss {loss}</source>
        <translation>MAE {mae}，损失 {loss}</translation>
    </message>
    <message>
        <source>Loss {loss}</source>
        <translation>损失 {loss}</translation>
    </message>
    <message>
        <source>{zeroed} of the {targeted} weights pruning targets are zero ({percent})</source>
        <translation>剪枝针对的 {targeted} 个权重中有 {zeroed} 个为零（{percent}）</translation>
    </message>
    <message>
        <source>Size: {before} → {after} ({change})</source>
        <translation>大小：{before} → {after}（{change}）</translation>
    </message>
    <message>
        <source>{metric}: {before} → {after}</source>
        <translation>{metric}：{before} → {after}</translation>
    </message>
    <message>
        <source>Time per batch of {batch}: {before} → {after}</source>
        <translation>每批（{batch} 个样本）耗时：{before} → {after}</translation>
    </message>
    <message>
        <source>Same prediction for {share} of the samples; outputs differ by at most {difference}</source>
        <translation>{share} 的样本预测相同；输出最多相差 {difference}</translation>
    </message>
    <message>
        <source>Outputs differ by at most {difference}</source>
        <translation>输出最多相差 {difference}</translation>
    </message>
    <message>
        <source>Converted: {layers}</source>
        <translation>已转换：{layers}</translation>
    </message>
    <message>
        <source>Kept float: {name}, {reason}</source>
        <translation>保留浮点：{name}，{reason}</translation>
    </message>
    <message>
        <source>Export Weights</source>
        <translation>导出权重</translation>
    </message>
    <message>
        <source>The INT8 model&apos;s packed weights only load into PyTorch&apos;s quantised layers; export a pruned row.</source>
        <translation>INT8 模型的打包权重只能载入 PyTorch 的量化层；请导出剪枝后的行。</translation>
    </message>
    <message>
        <source>safetensors weights (*.safetensors)</source>
        <translation>safetensors 权重 (*.safetensors)</translation>
    </message>
    <message>
        <source>Cannot export {file}</source>
        <translation>无法导出 {file}</translation>
    </message>
    <message>
        <source>{path} was not written:

{error}</source>
        <translation>未能写入 {path}：

{error}</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
</context>
<context>
    <name>DrawPadDialog</name>
    <message>
        <source>Draw an Input</source>
        <translation>绘制输入</translation>
    </message>
    <message>
        <source>Draw with the mouse (white ink on black), then press Look Inside.</source>
        <translation>用鼠标绘制（黑底白字），然后点击“查看内部”。</translation>
    </message>
    <message>
        <source>Look Inside</source>
        <translation>查看内部</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>EditorCommands</name>
    <message>
        <source>Add {type}</source>
        <translation>添加 {type}</translation>
    </message>
    <message>
        <source>Delete {id}</source>
        <translation>删除 {id}</translation>
    </message>
    <message>
        <source>Move {count} node(s)</source>
        <translation>移动 {count} 个节点</translation>
    </message>
    <message>
        <source>Connect {a} → {b}</source>
        <translation>连接 {a} → {b}</translation>
    </message>
    <message>
        <source>Disconnect {a} → {b}</source>
        <translation>断开 {a} → {b}</translation>
    </message>
    <message>
        <source>Change {field} of {id}</source>
        <translation>修改 {id} 的 {field}</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Rename {a} to {b}</source>
        <translation>将 {a} 重命名为 {b}</translation>
    </message>
    <message>
        <source>Change data settings</source>
        <translation>修改数据设置</translation>
    </message>
    <message>
        <source>Change training settings</source>
        <translation>修改训练设置</translation>
    </message>
    <message>
        <source>Change initialisation</source>
        <translation>修改初始化</translation>
    </message>
    <message>
        <source>Start from seeded weights</source>
        <translation>从种子初始化开始</translation>
    </message>
    <message>
        <source>Start from {file}</source>
        <translation>从 {file} 开始</translation>
    </message>
    <message>
        <source>Edit {field}</source>
        <translation>编辑 {field}</translation>
    </message>
    <message>
        <source>Change the controls students see</source>
        <translation>更改学生可见的控件</translation>
    </message>
    <message>
        <source>Change the lesson&apos;s goals and challenge</source>
        <translation>更改课程的目标与挑战</translation>
    </message>
    <message>
        <source>Add {name} to the leaderboard</source>
        <translation>将 {name} 加入排行榜</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find a layer by name or type</source>
        <translation>按名称或类型查找层</translation>
    </message>
</context>
<context>
    <name>ForkDialog</name>
    <message>
        <source>Rewind to the start</source>
        <translation>回到起点</translation>
    </message>
    <message>
        <source>The new run starts from this run&apos;s initial weights and sees the same batches, so any difference comes from the settings you change here.</source>
        <translation>新运行从本次运行的初始权重开始，并使用相同的批次，因此任何差异都来自你在此处更改的设置。</translation>
    </message>
    <message>
        <source>Fork from epoch {epoch}</source>
        <translation>从第 {epoch} 轮分叉</translation>
    </message>
    <message>
        <source>The new run starts from the weights, optimizer state and batch order of epoch {epoch} and trains on with the settings below. This run stays as it is.</source>
        <translation>新运行从第 {epoch} 轮的权重、优化器状态和批次顺序开始，按下面的设置继续训练。本次运行保持不变。</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>None (constant)</source>
        <translation>无（恒定）</translation>
    </message>
    <message>
        <source>LR schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>L1 penalty</source>
        <translation>L1 惩罚</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Rewind</source>
        <translation>回到起点</translation>
    </message>
    <message>
        <source>Fork</source>
        <translation>分叉</translation>
    </message>
    <message>
        <source>{name}: {before} → {after}</source>
        <translation>{name}：{before} → {after}</translation>
    </message>
    <message>
        <source>Changed: {changes}</source>
        <translation>已更改：{changes}</translation>
    </message>
    <message>
        <source>The same settings: the new run will repeat this one exactly.</source>
        <translation>设置相同：新运行将完全重复本次运行。</translation>
    </message>
    <message>
        <source>The same settings: the new run will continue exactly as this one did.</source>
        <translation>设置相同：新运行将与本次运行完全一样地继续。</translation>
    </message>
</context>
<context>
    <name>Forking</name>
    <message>
        <source>Fork</source>
        <translation>分叉</translation>
    </message>
    <message>
        <source>Epoch {epoch} of this run was not kept: choose a marked epoch.</source>
        <translation>本次运行未保留第 {epoch} 轮：请选择一个有标记的轮次。</translation>
    </message>
    <message>
        <source>The model or the data changed since this run, so its weights no longer fit. Undo those edits to fork from it, or train the new model from the start.</source>
        <translation>自本次运行以来，模型或数据已更改，其权重不再适用。撤销这些编辑即可从中分叉，或者从头训练新模型。</translation>
    </message>
</context>
<context>
    <name>GraphEditor</name>
    <message>
        <source>Add {type} after {id}</source>
        <translation>在 {id} 之后添加 {type}</translation>
    </message>
    <message>
        <source>No layer matches &quot;{text}&quot;</source>
        <translation>没有与“{text}”匹配的层</translation>
    </message>
    <message>
        <source>{count} layers match &quot;{text}&quot;; showing {id}</source>
        <translation>有 {count} 个层与“{text}”匹配；显示 {id}</translation>
    </message>
    <message>
        <source>Delete {count} item(s)</source>
        <translation>删除 {count} 项</translation>
    </message>
    <message>
        <source>Copied {count} layer(s)</source>
        <translation>已复制 {count} 个层</translation>
    </message>
    <message>
        <source>Nothing to paste</source>
        <translation>没有可粘贴的内容</translation>
    </message>
    <message>
        <source>Paste {count} layer(s)</source>
        <translation>粘贴 {count} 个层</translation>
    </message>
    <message>
        <source>The nn.Sequential cannot be pasted: {reason}</source>
        <translation>无法粘贴这个 nn.Sequential：{reason}</translation>
    </message>
    <message>
        <source>Paste nn.Sequential ({count} layers)</source>
        <translation>粘贴 nn.Sequential（{count} 层）</translation>
    </message>
    <message>
        <source>Pasted {count} layers from the nn.Sequential.</source>
        <translation>已从 nn.Sequential 粘贴 {count} 层。</translation>
    </message>
    <message>
        <source>Connect its first layer to the network&apos;s input.</source>
        <translation>请把它的第一层连接到网络的输入。</translation>
    </message>
    <message>
        <source>Duplicate {count} layer(s)</source>
        <translation>创建 {count} 个层的副本</translation>
    </message>
    <message>
        <source>a name cannot be empty</source>
        <translation>名称不能为空</translation>
    </message>
    <message>
        <source>a node called &apos;{id}&apos; already exists</source>
        <translation>已存在名为“{id}”的节点</translation>
    </message>
    <message>
        <source>Cannot rename &apos;{id}&apos;: {reason}</source>
        <translation>无法重命名“{id}”：{reason}</translation>
    </message>
    <message>
        <source>Auto-arrange</source>
        <translation>自动排列</translation>
    </message>
    <message>
        <source>Lay out as the model suggests</source>
        <translation>按模型自动选择布局</translation>
    </message>
    <message>
        <source>Lay out left to right</source>
        <translation>从左到右布局</translation>
    </message>
    <message>
        <source>Lay out top-down</source>
        <translation>从上到下布局</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <source>Look Inside</source>
        <translation>查看内部</translation>
    </message>
    <message>
        <source>What this node computes for one sample, live during training</source>
        <translation>此节点对单个样本的计算结果，训练时实时显示</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Expand Block</source>
        <translation>展开块</translation>
    </message>
    <message>
        <source>Make Block…</source>
        <translation>创建块…</translation>
    </message>
    <message>
        <source>Update Block</source>
        <translation>更新块</translation>
    </message>
    <message>
        <source>These layers become the block&apos;s new definition: every use of it changes</source>
        <translation>这些层成为该块的新定义：所有用到它的地方都会改变</translation>
    </message>
    <message>
        <source>Delete connection {a} → {b}</source>
        <translation>删除连线 {a} → {b}</translation>
    </message>
    <message>
        <source>Automatic (top-down for deep image models)</source>
        <translation>自动（深层图像模型从上到下）</translation>
    </message>
    <message>
        <source>Left to Right</source>
        <translation>从左到右</translation>
    </message>
    <message>
        <source>Top-Down</source>
        <translation>从上到下</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Layout Direction</source>
        <translation>布局方向</translation>
    </message>
    <message>
        <source>Fit Graph in View</source>
        <translation>显示全图</translation>
    </message>
</context>
<context>
    <name>GraphScene</name>
    <message>
        <source>Editing is locked right now</source>
        <translation>当前无法编辑</translation>
    </message>
    <message>
        <source>Cannot connect: {reason}</source>
        <translation>无法连接：{reason}</translation>
    </message>
    <message>
        <source>Reconnect {a} → {b}</source>
        <translation>重新连接 {a} → {b}</translation>
    </message>
    <message>
        <source>Connected {a} → {b}</source>
        <translation>已连接 {a} → {b}</translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <source>Drag layers here from the palette</source>
        <translation>从层面板将层拖到这里</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>Training loss per epoch</source>
        <translation>每轮训练损失</translation>
    </message>
    <message>
        <source>Validation loss per epoch</source>
        <translation>每轮验证损失</translation>
    </message>
    <message>
        <source>Validation accuracy per epoch</source>
        <translation>每轮验证准确率</translation>
    </message>
    <message>
        <source>Validation MAE per epoch</source>
        <translation>每轮验证 MAE</translation>
    </message>
    <message>
        <source>Validation R² per epoch</source>
        <translation>每轮验证 R²</translation>
    </message>
    <message>
        <source>Learning rate per epoch</source>
        <translation>每轮学习率</translation>
    </message>
    <message>
        <source>Training loss per step</source>
        <translation>每步训练损失</translation>
    </message>
    <message>
        <source>Learning rate per step</source>
        <translation>每步学习率</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Validation MAE</source>
        <translation>验证 MAE</translation>
    </message>
    <message>
        <source>Validation R²</source>
        <translation>验证 R²</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>forked from</source>
        <translation>分叉自</translation>
    </message>
    <message>
        <source>comparison</source>
        <translation>比较组</translation>
    </message>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>lr</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>seeds</source>
        <translation>种子数</translation>
    </message>
    <message>
        <source>train loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>val loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>val acc.</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>test loss</source>
        <translation>测试损失</translation>
    </message>
    <message>
        <source>test acc.</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>val MAE</source>
        <translation>验证 MAE</translation>
    </message>
    <message>
        <source>val R²</source>
        <translation>验证 R²</translation>
    </message>
    <message>
        <source>test MAE</source>
        <translation>测试 MAE</translation>
    </message>
    <message>
        <source>test R²</source>
        <translation>测试 R²</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Exponential moving average, debiased (as in TensorBoard).</source>
        <translation>去偏的指数移动平均（与 TensorBoard 相同）。</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>± std bands</source>
        <translation>± 标准差带</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Export plot…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <source>Export table…</source>
        <translation>导出表格…</translation>
    </message>
    <message>
        <source>Save in experiment</source>
        <translation>存入实验</translation>
    </message>
    <message>
        <source>Keep these runs in the experiment file (undoable); they come back when the file is opened.</source>
        <translation>将这些运行保存在实验文件中（可撤销）；再次打开该文件时它们会恢复。</translation>
    </message>
    <message>
        <source>Load from experiment</source>
        <translation>从实验载入</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Finished runs appear here: race some activations, optimizers or schedules, or train the experiment.</source>
        <translation>已完成的运行会显示在这里：让一些激活函数、优化器或调度参加竞赛，或训练当前实验。</translation>
    </message>
    <message>
        <source>{mark} from a removed run @ epoch {epoch}</source>
        <translation>{mark} 自已删除的运行 @ 第 {epoch} 轮</translation>
    </message>
    <message>
        <source>{mark} from {parent} @ epoch {epoch}</source>
        <translation>{mark} 自 {parent} @ 第 {epoch} 轮</translation>
    </message>
    <message>
        <source>Tick to draw this run; double-click to rename it.</source>
        <translation>勾选以绘制此运行；双击可重命名。</translation>
    </message>
    <message>
        <source>Forked from that run: the same weights, optimizer state and batches up to that epoch, other settings after it. Its curves start there.</source>
        <translation>从该运行分叉：到那一轮为止，权重、优化器状态和批次都相同，之后使用其他设置。它的曲线从那里开始。</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>Plot saved to {path}</source>
        <translation>图表已保存到 {path}</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Table saved to {path}</source>
        <translation>表格已保存到 {path}</translation>
    </message>
    <message>
        <source>{n} run(s) will be saved with the experiment.</source>
        <translation>将有 {n} 次运行随实验一起保存。</translation>
    </message>
    <message>
        <source>{m} run(s) of other experiments stay in the history only.</source>
        <translation>其他实验的 {m} 次运行仅保留在历史中。</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>{count} layers selected: {ids}.

Select one layer to edit its parameters, or click the empty canvas for the experiment&apos;s settings.</source>
        <translation>已选中 {count} 个层：{ids}。

选中单个层可编辑其参数，点击画布空白处可查看实验设置。</translation>
    </message>
</context>
<context>
    <name>LayerPalette</name>
    <message>
        <source>Drag onto the canvas, or double-click to add after the selected layer.</source>
        <translation>拖到画布上，或双击添加到所选层之后。</translation>
    </message>
    <message>
        <source>Search layers…</source>
        <translation>搜索层…</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Drag onto the canvas, or double-click to add after the selected layer, as a block.</source>
        <translation>拖到画布上，或双击添加到所选层之后，作为一个块。</translation>
    </message>
</context>
<context>
    <name>LayerReference</name>
    <message>
        <source>parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>meaning</source>
        <translation>含义</translation>
    </message>
    <message>
        <source>No parameters.</source>
        <translation>没有参数。</translation>
    </message>
    <message>
        <source>No layer matches “{text}”.</source>
        <translation>没有与“{text}”匹配的层。</translation>
    </message>
    <message>
        <source>Layer reference</source>
        <translation>层参考</translation>
    </message>
    <message>
        <source>Filter layers (name or description)</source>
        <translation>筛选层（按名称或描述）</translation>
    </message>
</context>
<context>
    <name>LessonGoalsView</name>
    <message>
        <source>Met in epoch {epoch}: {conditions}</source>
        <translation>第 {epoch} 轮达成：{conditions}</translation>
    </message>
    <message>
        <source>Met: {conditions}</source>
        <translation>已达成：{conditions}</translation>
    </message>
    <message>
        <source>Not reached in this run: {conditions}</source>
        <translation>本次运行未达成：{conditions}</translation>
    </message>
    <message>
        <source>Race the variants first (Compare tab): this goal needs the result of {names}.</source>
        <translation>请先让各变体竞赛（“比较”标签页）：此目标需要 {names} 的结果。</translation>
    </message>
    <message>
        <source>met</source>
        <translation>已达成</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>未能达成</translation>
    </message>
    <message>
        <source>not met yet</source>
        <translation>尚未达成</translation>
    </message>
    <message>
        <source>Goal, {status}: {text}</source>
        <translation>目标，{status}：{text}</translation>
    </message>
    <message>
        <source>Challenge</source>
        <translation>挑战</translation>
    </message>
    <message>
        <source>Add to leaderboard</source>
        <translation>加入排行榜</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>你的名字</translation>
    </message>
    <message>
        <source>Goals ({met} of {count} met)</source>
        <translation>目标（已达成 {met}/{count}）</translation>
    </message>
    <message>
        <source>Parameters: {count} / {limit} {mark}</source>
        <translation>参数：{count} / {limit} {mark}</translation>
    </message>
    <message>
        <source>Epochs: {count} / {limit} {mark}</source>
        <translation>轮数：{count} / {limit} {mark}</translation>
    </message>
    <message>
        <source>Layers: only {allowed} ✓</source>
        <translation>层：仅限 {allowed} ✓</translation>
    </message>
    <message>
        <source>Layers: only {allowed}; not {used} ✗</source>
        <translation>层：仅限 {allowed}；不可用 {used} ✗</translation>
    </message>
    <message>
        <source>Keep to these limits and train to the end: a run that does can go on the leaderboard, ranked by {quantity}.</source>
        <translation>遵守这些限制并训练到结束：做到的运行可以进入排行榜，按{quantity}排名。</translation>
    </message>
    <message>
        <source>This run is on the leaderboard.</source>
        <translation>本次运行已进入排行榜。</translation>
    </message>
    <message>
        <source>This run keeps to the challenge: {score}. Put it on the leaderboard as:</source>
        <translation>本次运行符合挑战要求：{score}。用以下名字将它加入排行榜：</translation>
    </message>
    <message>
        <source>Only a run that trains to its end, and reports the score, counts for the challenge.</source>
        <translation>只有训练到结束并给出得分的运行才计入挑战。</translation>
    </message>
    <message>
        <source>{count} epochs (at most {limit})</source>
        <translation>{count} 轮（最多 {limit} 轮）</translation>
    </message>
    <message>
        <source>This run does not count for the challenge: {problems}.</source>
        <translation>本次运行不计入挑战：{problems}。</translation>
    </message>
    <message>
        <source>Leaderboard</source>
        <translation>排行榜</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名字</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>No attempt yet: train a network that keeps to the challenge, then add it here.</source>
        <translation>还没有成绩：训练一个符合挑战要求的网络，然后把它加入这里。</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>Lesson race</source>
        <translation>课程竞赛</translation>
    </message>
    <message>
        <source>The variants this lesson compares. Each is the experiment with the settings shown changed; the race trains the checked ones from the same initial weights on the same batches.</source>
        <translation>本课程比较的各个变体。每个变体都是更改了所示设置的当前实验；竞赛从相同的初始权重出发，在相同的批次上训练勾选的变体。</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>What it changes</source>
        <translation>更改内容</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Multiply-adds</source>
        <translation>乘加次数</translation>
    </message>
    <message>
        <source>Multiply-adds of one sample&apos;s forward pass</source>
        <translation>单个样本前向传播的乘加次数</translation>
    </message>
    <message>
        <source>This experiment declares no variants. A lesson lists them in its file (&quot;lesson&quot;: {&quot;variants&quot;: [...]}); open a lesson such as Gradient descent: full batch, mini-batch, one sample.</source>
        <translation>此实验没有声明变体。课程会在其文件中列出变体（&quot;lesson&quot;: {&quot;variants&quot;: [...]}）；请打开“梯度下降：全批量、小批量、单样本”这样的课程。</translation>
    </message>
    <message>
        <source>Race the checked variants</source>
        <translation>让所选变体竞赛</translation>
    </message>
    <message>
        <source>the experiment as it is</source>
        <translation>原实验，不做更改</translation>
    </message>
    <message>
        <source>cannot be built: {reason}</source>
        <translation>无法构建：{reason}</translation>
    </message>
    <message>
        <source>cannot be built</source>
        <translation>无法构建</translation>
    </message>
    <message>
        <source>This experiment declares no variants to race.</source>
        <translation>此实验没有声明可参加竞赛的变体。</translation>
    </message>
    <message>
        <source>Check at least one variant to race.</source>
        <translation>请至少勾选一个变体参加竞赛。</translation>
    </message>
    <message>
        <source>A variant cannot be raced: {reason}</source>
        <translation>有变体无法参加竞赛：{reason}</translation>
    </message>
</context>
<context>
    <name>LessonSetup</name>
    <message>
        <source>at least (≥)</source>
        <translation>至少（≥）</translation>
    </message>
    <message>
        <source>at most (≤)</source>
        <translation>至多（≤）</translation>
    </message>
    <message>
        <source>above (&gt;)</source>
        <translation>高于（&gt;）</translation>
    </message>
    <message>
        <source>below (&lt;)</source>
        <translation>低于（&lt;）</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>一个数值</translation>
    </message>
    <message>
        <source>what {variant} reaches</source>
        <translation>{variant} 达到的值</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>after any epoch (met the first time it holds)</source>
        <translation>每轮之后（首次成立即达成）</translation>
    </message>
    <message>
        <source>on the run&apos;s final numbers</source>
        <translation>按训练的最终结果</translation>
    </message>
    <message>
        <source>Goal:</source>
        <translation>目标：</translation>
    </message>
    <message>
        <source>Shown when met:</source>
        <translation>达成时显示：</translation>
    </message>
    <message>
        <source>Checked:</source>
        <translation>检查时机：</translation>
    </message>
    <message>
        <source>Conditions:</source>
        <translation>条件：</translation>
    </message>
    <message>
        <source>Add Condition</source>
        <translation>添加条件</translation>
    </message>
    <message>
        <source>give the goal a text</source>
        <translation>请给目标写上文字</translation>
    </message>
    <message>
        <source>Challenge: every finished run that keeps to these may join the leaderboard</source>
        <translation>挑战：每次遵守这些限制并完成的训练都可加入排行榜</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Allow What This Network Uses</source>
        <translation>允许本网络所用的层</translation>
    </message>
    <message>
        <source>Parameters at most:</source>
        <translation>参数至多：</translation>
    </message>
    <message>
        <source>Epochs at most:</source>
        <translation>轮数至多：</translation>
    </message>
    <message>
        <source>Ranked by:</source>
        <translation>排名依据：</translation>
    </message>
    <message>
        <source>Layers allowed (none ticked: any):</source>
        <translation>允许的层（都不勾选：任意）：</translation>
    </message>
    <message>
        <source>Lesson Goals and Challenge</source>
        <translation>课程目标与挑战</translation>
    </message>
    <message>
        <source>Goals are ticked in the lesson panel while a student trains, each with its explanation once met. A challenge sets limits; runs that keep to them can join the leaderboard saved in the file.</source>
        <translation>学生训练时，课程面板会逐项勾选目标，达成后显示其说明。挑战设定限制；遵守限制的训练可以加入保存在文件中的排行榜。</translation>
    </message>
    <message>
        <source>Goals</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Add Goal</source>
        <translation>添加目标</translation>
    </message>
    <message>
        <source>Remove Goal</source>
        <translation>移除目标</translation>
    </message>
    <message>
        <source>Clear the leaderboard ({count} entries)</source>
        <translation>清空排行榜（{count} 条记录）</translation>
    </message>
    <message>
        <source>Reach 90 % test accuracy</source>
        <translation>测试准确率达到 90 %</translation>
    </message>
    <message>
        <source>The challenge cannot be kept: {reasons}</source>
        <translation>无法保存挑战：{reasons}</translation>
    </message>
    <message>
        <source>Goal {number} cannot be kept: {reasons}</source>
        <translation>无法保存目标 {number}：{reasons}</translation>
    </message>
</context>
<context>
    <name>LessonView</name>
    <message>
        <source>(the lesson continues; {count} characters not shown — open Edit to see all)</source>
        <translation>（课程未完，还有 {count} 个字符未显示——打开“编辑”查看全部）</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit the lesson text (Markdown); click again to see it rendered</source>
        <translation>编辑课程文本（Markdown）；再次点击可查看渲染效果</translation>
    </message>
    <message>
        <source>This lesson holds words of over {count} characters, so the editor wraps lines anywhere.</source>
        <translation>此课程含有超过 {count} 个字符的单词，因此编辑器会在任意位置换行。</translation>
    </message>
    <message>
        <source>Write the lesson in Markdown: # headings, **bold**, *italic*, lists …</source>
        <translation>用 Markdown 编写课程：# 标题、**粗体**、*斜体*、列表…</translation>
    </message>
    <message>
        <source>The lesson is edited in this language; the other languages keep their own text</source>
        <translation>正在编辑此语言的课程文本；其他语言保留各自的文本</translation>
    </message>
    <message>
        <source>*This experiment has no lesson text yet.* Click **Edit** to write one: what to try, what to watch for, what it teaches.</source>
        <translation>*此实验还没有课程文本。* 点击**编辑**即可撰写：可以尝试什么、应当观察什么、能学到什么。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Build the network by drag and drop</source>
        <translation>通过拖放搭建网络</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Watch the network learn: loss, learning rate, gradients and the task view</source>
        <translation>观察网络的学习过程：损失、学习率、梯度和任务视图</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Compare activations, optimizers and learning-rate schedules side by side</source>
        <translation>并排比较激活函数、优化器和学习率调度</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>Start a new, empty experiment: an input on a 2-D dataset, ready for your layers</source>
        <translation>新建一个空实验：只含一个基于二维数据集的输入，等你添加层</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open an experiment file</source>
        <translation>打开实验文件</translation>
    </message>
    <message>
        <source>&amp;Import ONNX Model…</source>
        <translation>导入 ONNX 模型(&amp;I)…</translation>
    </message>
    <message>
        <source>Turn an ONNX model into an experiment: its layers on the canvas, starting from its weights</source>
        <translation>把 ONNX 模型变成实验：它的层显示在画布上，训练从它的权重开始</translation>
    </message>
    <message>
        <source>Export &amp;Report…</source>
        <translation>导出报告(&amp;R)…</translation>
    </message>
    <message>
        <source>Write one HTML file to hand in: the lesson, the network, the layer table, the curves and the results of the last run</source>
        <translation>写出一个可提交的 HTML 文件：课程、网络、层表、曲线和上一次运行的结果</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save under a new name</source>
        <translation>以新名称保存</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation>关闭窗口</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>创建副本(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Find Layer…</source>
        <translation>查找层(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Make Block…</source>
        <translation>创建块(&amp;M)…</translation>
    </message>
    <message>
        <source>Group the selected layers into one named block card that can be reused and repeated</source>
        <translation>把所选的层组合成一张有名字的块卡片，可以复用和重复</translation>
    </message>
    <message>
        <source>E&amp;xpand Block</source>
        <translation>展开块(&amp;X)</translation>
    </message>
    <message>
        <source>Put the selected block&apos;s layers back on the canvas</source>
        <translation>把所选块中的层放回画布</translation>
    </message>
    <message>
        <source>Auto-&amp;arrange</source>
        <translation>自动排列(&amp;A)</translation>
    </message>
    <message>
        <source>Lay the graph out in tidy columns</source>
        <translation>将图按整齐的列排布</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit Graph in View</source>
        <translation>显示全图(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Layer Reference</source>
        <translation>层参考(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About Neural Network Playground</source>
        <translation>关于 Neural Network Playground(&amp;A)</translation>
    </message>
    <message>
        <source>Controls Students &amp;See…</source>
        <translation>学生可见的控件(&amp;S)…</translation>
    </message>
    <message>
        <source>Choose which panels, settings, layer categories and buttons this lesson shows students</source>
        <translation>选择本课程向学生显示哪些面板、设置、层类别和按钮</translation>
    </message>
    <message>
        <source>Lesson &amp;Goals and Challenge…</source>
        <translation>课程目标与挑战(&amp;G)…</translation>
    </message>
    <message>
        <source>Set the goals this lesson ticks while training, and a challenge with a leaderboard</source>
        <translation>设置本课程在训练时勾选的目标，以及带排行榜的挑战</translation>
    </message>
    <message>
        <source>Show All &amp;Controls</source>
        <translation>显示全部控件(&amp;C)</translation>
    </message>
    <message>
        <source>Show the controls this lesson hides, for this session (the file keeps its choice)</source>
        <translation>在本次会话中显示本课程隐藏的控件（文件保留其设置）</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>New from &amp;Preset</source>
        <translation>从预设新建(&amp;P)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Layout &amp;Direction</source>
        <translation>布局方向(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Show or hide the {panel} panel</source>
        <translation>显示或隐藏“{panel}”面板</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Live View &amp;Frame Rate</source>
        <translation>实时视图帧率(&amp;F)</translation>
    </message>
    <message>
        <source>{rate} frames a second</source>
        <translation>每秒 {rate} 帧</translation>
    </message>
    <message>
        <source>Train in a Separate &amp;Process</source>
        <translation>在独立进程中训练(&amp;P)</translation>
    </message>
    <message>
        <source>Training runs in its own process, so the window stays smooth and a crash cannot take it down. Turn it off where child processes are not allowed (then training shares this process).</source>
        <translation>训练在独立的进程中运行，窗口因此保持流畅，训练崩溃也不会拖垮窗口。在不允许创建子进程的环境中请关闭此项（届时训练与窗口共用同一进程）。</translation>
    </message>
    <message>
        <source>Write &amp;TensorBoard Logs…</source>
        <translation>写入 TensorBoard 日志(&amp;T)…</translation>
    </message>
    <message>
        <source>TensorBoard logs need the tensorboard package: pip install &quot;nn-playground[tensorboard]&quot;</source>
        <translation>TensorBoard 日志需要 tensorboard 包：pip install &quot;nn-playground[tensorboard]&quot;</translation>
    </message>
    <message>
        <source>Every run also writes TensorBoard logs (losses, metrics, learning rate, weight and gradient histograms, the graph) into a folder you choose; open them with tensorboard --logdir FOLDER</source>
        <translation>每次运行还会把 TensorBoard 日志（损失、指标、学习率、权重和梯度直方图、网络图）写入你选择的文件夹；用 tensorboard --logdir FOLDER 打开</translation>
    </message>
    <message>
        <source>Backprop &amp;X-ray…</source>
        <translation>反向传播 X 光(&amp;X)…</translation>
    </message>
    <message>
        <source>Freeze one mini-batch and step through one training step node by node, with the real numbers</source>
        <translation>冻结一个小批量，逐个节点地单步查看一次训练步骤，使用真实数值</translation>
    </message>
    <message>
        <source>&amp;Compression Lab…</source>
        <translation>压缩实验室(&amp;C)…</translation>
    </message>
    <message>
        <source>Prune and quantise the last run&apos;s trained model, and compare size, accuracy and speed</source>
        <translation>对上次运行训练好的模型进行剪枝和量化，并比较大小、准确率和速度</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>(no presets found)</source>
        <translation>（未找到预设）</translation>
    </message>
    <message>
        <source>&amp;Clear Menu</source>
        <translation>清空菜单(&amp;C)</translation>
    </message>
    <message>
        <source>(no recent files)</source>
        <translation>（无最近文件）</translation>
    </message>
    <message>
        <source>There is no node {node} to look inside.</source>
        <translation>没有可查看内部的节点 {node}。</translation>
    </message>
    <message>
        <source>⚠ dataset: {error}</source>
        <translation>⚠ 数据集：{error}</translation>
    </message>
    <message>
        <source>✓ valid · {count} parameters</source>
        <translation>✓ 有效 · {count} 个参数</translation>
    </message>
    <message>
        <source>1 warning</source>
        <translation>1 个警告</translation>
    </message>
    <message>
        <source>{count} warnings</source>
        <translation>{count} 个警告</translation>
    </message>
    <message>
        <source>{count} problem</source>
        <translation>{count} 个问题</translation>
    </message>
    <message>
        <source>{count} problems</source>
        <translation>{count} 个问题</translation>
    </message>
    <message>
        <source>Every shape fits; the model can be trained and exported.</source>
        <translation>所有形状都匹配；模型可以训练和导出。</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Neural Network Playground</source>
        <translation>Neural Network Playground</translation>
    </message>
    <message>
        <source>Students now see only what you ticked; View ▸ Show All Controls shows the rest</source>
        <translation>学生现在只能看到你勾选的内容；“视图 ▸ 显示全部控件”可显示其余内容</translation>
    </message>
    <message>
        <source>This lesson hides controls this version does not have: {names}</source>
        <translation>本课程隐藏了此版本中没有的控件：{names}</translation>
    </message>
    <message>
        <source>Added {type} &apos;{id}&apos;</source>
        <translation>已添加 {type}“{id}”</translation>
    </message>
    <message>
        <source>About Neural Network Playground</source>
        <translation>关于 Neural Network Playground</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Neural Network Playground {version}&lt;/h3&gt;&lt;p&gt;Build real PyTorch networks by drag and drop, train them and watch them learn.&lt;/p&gt;&lt;p&gt;Every model is a genuine &lt;code&gt;torch.nn.Module&lt;/code&gt;: the Code panel shows it, and File ▸ Export writes it as Python, ONNX or a torch.export program.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Neural Network Playground {version}&lt;/h3&gt;&lt;p&gt;通过拖放搭建真正的 PyTorch 网络，训练它们，观察它们如何学习。&lt;/p&gt;&lt;p&gt;每个模型都是真正的 &lt;code&gt;torch.nn.Module&lt;/code&gt;：“代码”面板会显示其代码，“文件 ▸ 导出”可将其导出为 Python、ONNX 或 torch.export 程序。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Live views redraw up to {rate} times a second from the next run.</source>
        <translation>从下一次运行起，实时视图每秒最多重绘 {rate} 次。</translation>
    </message>
    <message>
        <source>Folder for TensorBoard logs</source>
        <translation>TensorBoard 日志文件夹</translation>
    </message>
    <message>
        <source>From the next run, TensorBoard logs go into {folder}</source>
        <translation>从下一次运行起，TensorBoard 日志写入 {folder}</translation>
    </message>
    <message>
        <source>No TensorBoard logs from the next run.</source>
        <translation>从下一次运行起不再写 TensorBoard 日志。</translation>
    </message>
    <message>
        <source>Training runs in a separate process from the next run.</source>
        <translation>从下一次运行起，训练将在独立进程中进行。</translation>
    </message>
    <message>
        <source>Training runs in this window&apos;s process from the next run.</source>
        <translation>从下一次运行起，训练将在本窗口的进程中进行。</translation>
    </message>
    <message>
        <source>Experiments (*.json);;All files (*)</source>
        <translation>实验 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <source>The experiment could not be shown, so nothing was changed:

{problem}</source>
        <translation>无法显示该实验，因此未做任何更改：

{problem}</translation>
    </message>
    <message>
        <source>{path} cannot be opened:

{problem}</source>
        <translation>无法打开 {path}：

{problem}</translation>
    </message>
    <message>
        <source>{path} cannot be opened.</source>
        <translation>无法打开 {path}。</translation>
    </message>
    <message>
        <source>The experiment</source>
        <translation>该实验</translation>
    </message>
    <message>
        <source>{what} was opened, but its dataset cannot be loaded:

{error}

Choose the data in the inspector (click the empty canvas) before training.</source>
        <translation>{what}已打开，但无法加载其数据集：

{error}

训练前请在检查器中选择数据（点击画布空白处）。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>“{name}” has unsaved changes. Save them first?</source>
        <translation>“{name}”有未保存的更改。是否先保存？</translation>
    </message>
    <message>
        <source>New experiment: drag layers from the palette onto the canvas and connect them</source>
        <translation>新实验：从层面板把层拖到画布上，再把它们连接起来</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Cannot open {file}</source>
        <translation>无法打开 {file}</translation>
    </message>
    <message>
        <source>Opened {path}</source>
        <translation>已打开 {path}</translation>
    </message>
    <message>
        <source>Cannot open preset {file}</source>
        <translation>无法打开预设 {file}</translation>
    </message>
    <message>
        <source>Opened the preset “{name}” as a new experiment</source>
        <translation>已将预设“{name}”作为新实验打开</translation>
    </message>
    <message>
        <source>the experiment</source>
        <translation>该实验</translation>
    </message>
    <message>
        <source>The data of {file} cannot be loaded</source>
        <translation>无法加载{file}的数据</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Replace {file}?</source>
        <translation>替换 {file}？</translation>
    </message>
    <message>
        <source>{path} already exists. Replace it with this experiment?</source>
        <translation>{path} 已存在。要用此实验替换它吗？</translation>
    </message>
    <message>
        <source>Cannot save {file}</source>
        <translation>无法保存 {file}</translation>
    </message>
    <message>
        <source>The experiment was not saved to {path}:

{error}</source>
        <translation>实验未能保存到 {path}：

{error}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>…另有 {count} 项</translation>
    </message>
    <message>
        <source>{path} cannot be opened ({count} problems):

{lines}</source>
        <translation>无法打开 {path}（{count} 个问题）：

{lines}</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>The model has problems; fix them first (see the Summary panel):

{status}</source>
        <translation>模型存在问题，请先修正（见“摘要”面板）：

{status}</translation>
    </message>
    <message>
        <source>Export {format}</source>
        <translation>导出 {format}</translation>
    </message>
    <message>
        <source>Exporting {file}…</source>
        <translation>正在导出 {file}…</translation>
    </message>
    <message>
        <source>Cannot export {file}</source>
        <translation>无法导出 {file}</translation>
    </message>
    <message>
        <source>{path} was not written:

{error}</source>
        <translation>未能写入 {path}：

{error}</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>Cannot restore</source>
        <translation>无法恢复</translation>
    </message>
    <message>
        <source>The recovery copy cannot be read, so nothing was restored. It is kept at {path} (choose Discard next time to delete it):

{error}</source>
        <translation>无法读取恢复副本，因此未恢复任何内容。副本保存在 {path}（下次选择“丢弃”即可删除）：

{error}</translation>
    </message>
    <message>
        <source>The recovery copy is kept at {path} (choose Discard next time to delete it).</source>
        <translation>恢复副本保存在 {path}（下次选择“丢弃”即可删除）。</translation>
    </message>
    <message>
        <source>Restored unsaved work from {when}</source>
        <translation>已恢复 {when} 未保存的工作</translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation>恢复未保存的工作？</translation>
    </message>
    <message>
        <source>The playground did not close normally last time.</source>
        <translation>程序上次未正常关闭。</translation>
    </message>
    <message>
        <source>A recovery copy of {what} was found. Restore it?</source>
        <translation>找到了 {what} 的恢复副本。要恢复吗？</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation>暂不</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX 模型 (*.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>HTML report (*.html)</source>
        <translation>HTML 报告 (*.html)</translation>
    </message>
    <message>
        <source>Cannot write {file}</source>
        <translation>无法写入 {file}</translation>
    </message>
    <message>
        <source>The report was not written:

{error}</source>
        <translation>报告未写出：

{error}</translation>
    </message>
    <message>
        <source>Wrote the report {path}</source>
        <translation>已写出报告 {path}</translation>
    </message>
    <message>
        <source>Import ONNX model</source>
        <translation>导入 ONNX 模型</translation>
    </message>
    <message>
        <source>Cannot import {file}</source>
        <translation>无法导入 {file}</translation>
    </message>
    <message>
        <source>Importing {file}…</source>
        <translation>正在导入 {file}…</translation>
    </message>
    <message>
        <source>{path} could not be read:

{problem}</source>
        <translation>无法读取 {path}：

{problem}</translation>
    </message>
    <message>
        <source>Save the imported experiment</source>
        <translation>保存导入的实验</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was written</source>
        <translation>已取消导入：未写入任何文件</translation>
    </message>
    <message>
        <source>The imported experiment was not saved to {path}:

{error}</source>
        <translation>导入的实验未保存到 {path}：

{error}</translation>
    </message>
    <message>
        <source>Imported {source}: {layers} layers, {params} parameters; training starts from its weights</source>
        <translation>已导入 {source}：{layers} 层，{params} 个参数；训练从它的权重开始</translation>
    </message>
</context>
<context>
    <name>Minimap</name>
    <message>
        <source>The whole graph: click or drag to move the canvas there</source>
        <translation>整个计算图：单击或拖动，把画布移到那里</translation>
    </message>
</context>
<context>
    <name>NodeInspector</name>
    <message>
        <source>The node&apos;s name: the attribute of the nn.Module in the generated code. Letters, digits and underscores.</source>
        <translation>节点的名称：即生成代码中 nn.Module 的属性名。只能包含字母、数字和下划线。</translation>
    </message>
    <message>
        <source>id</source>
        <translation>id</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>This layer has no parameters to set.</source>
        <translation>此层没有可设置的参数。</translation>
    </message>
    <message>
        <source>Shape and size</source>
        <translation>形状与规模</translation>
    </message>
    <message>
        <source>Block {name}</source>
        <translation>块 {name}</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>块</translation>
    </message>
    <message>
        <source>A block of {count} layers, run {repeat} time(s) in a row, each copy with its own weights. {uses} card(s) use block {name} and share its layers: to change them all, double-click a card to expand it, edit the layers, and choose Update Block ▸ {name} from their menu.</source>
        <translation>一个由 {count} 个层组成的块，连续运行 {repeat} 次，每个副本有自己的权重。共有 {uses} 张卡片使用块 {name} 并共享其中的层：要一起修改，请双击一张卡片将其展开，编辑这些层，再从它们的菜单中选择“更新块 ▸ {name}”。</translation>
    </message>
    <message>
        <source>A node called &apos;{id}&apos; already exists.</source>
        <translation>已存在名为“{id}”的节点。</translation>
    </message>
    <message>
        <source>Applied: {fix}</source>
        <translation>已应用：{fix}</translation>
    </message>
    <message>
        <source>Shapes are unknown until the dataset loads.</source>
        <translation>数据集加载之前，形状未知。</translation>
    </message>
    <message>
        <source>Dataset problem: {error}</source>
        <translation>数据集问题：{error}</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Multiply-adds</source>
        <translation>乘加次数</translation>
    </message>
    <message>
        <source>This is the model output.</source>
        <translation>这是模型的输出。</translation>
    </message>
    <message>
        <source>Apply this fix (one undoable step)</source>
        <translation>应用此修复（可一步撤销）</translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
    <message>
        <source>data: {name}</source>
        <translation>数据：{name}</translation>
    </message>
    <message>
        <source>{count} params</source>
        <translation>{count} 个参数</translation>
    </message>
    <message>
        <source>no parameters</source>
        <translation>无参数</translation>
    </message>
    <message>
        <source>shape unknown</source>
        <translation>形状未知</translation>
    </message>
    <message>
        <source>Shapes cannot be checked: {error}</source>
        <translation>无法检查形状：{error}</translation>
    </message>
    <message>
        <source>Right-click for a fix.</source>
        <translation>右键单击查看修复方法。</translation>
    </message>
    <message>
        <source>Output {shape}</source>
        <translation>输出 {shape}</translation>
    </message>
    <message>
        <source>{count} parameters</source>
        <translation>{count} 个参数</translation>
    </message>
    <message>
        <source>{count} multiply-adds</source>
        <translation>{count} 次乘加</translation>
    </message>
    <message>
        <source>block of {count} layers</source>
        <translation>由 {count} 层组成的块</translation>
    </message>
    <message>
        <source>Block {name}</source>
        <translation>块 {name}</translation>
    </message>
    <message>
        <source>Every card of this block shares its layers. Double-click to expand it in place.</source>
        <translation>这个块的所有卡片共享其中的层。双击可就地展开。</translation>
    </message>
    <message>
        <source>right-click to fix</source>
        <translation>右键单击以修复</translation>
    </message>
</context>
<context>
    <name>OptimizersPanel</name>
    <message>
        <source>steps: </source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>tol.: </source>
        <translation>容差：</translation>
    </message>
    <message>
        <source>A path has arrived when f − f_min is at most this.</source>
        <translation>当 f − f_min 不超过此值时，视为路径已到达。</translation>
    </message>
    <message>
        <source>noise: </source>
        <translation>噪声：</translation>
    </message>
    <message>
        <source>Gaussian noise added to every gradient (like mini-batch noise); the same seed always gives the same paths.</source>
        <translation>给每个梯度加上高斯噪声（类似小批量噪声）；相同的种子总是得到相同的路径。</translation>
    </message>
    <message>
        <source>Surface</source>
        <translation>曲面</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>lr (surface)</source>
        <translation>lr（曲面）</translation>
    </message>
    <message>
        <source>steps to tol.</source>
        <translation>达标步数</translation>
    </message>
    <message>
        <source>final f</source>
        <translation>最终 f</translation>
    </message>
    <message>
        <source>lr (experiment)</source>
        <translation>lr（实验）</translation>
    </message>
    <message>
        <source>The learning rate this optimizer gets in the race on the current experiment.</source>
        <translation>该优化器在当前实验的竞赛中使用的学习率。</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>重放</translation>
    </message>
    <message>
        <source>Animate the paths from the start</source>
        <translation>从头播放路径动画</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>Animation speed (steps per frame)</source>
        <translation>动画速度（每帧步数）</translation>
    </message>
    <message>
        <source>speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Distance to the minimum</source>
        <translation>到最小值的距离</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>f − f_min (log)</source>
        <translation>f − f_min（对数）</translation>
    </message>
    <message>
        <source>Optimizer race</source>
        <translation>优化器竞赛</translation>
    </message>
    <message>
        <source>Race the checked optimizers</source>
        <translation>让所选优化器竞赛</translation>
    </message>
    <message>
        <source>  (★ minimum, ○ start)</source>
        <translation>  （★ 最小值，○ 起点）</translation>
    </message>
    <message>
        <source>Computing the paths…</source>
        <translation>正在计算路径…</translation>
    </message>
    <message>
        <source>The optimizer paths could not be computed: {error}</source>
        <translation>无法计算优化器路径：{error}</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>发散</translation>
    </message>
    <message>
        <source>&gt; {n}</source>
        <translation>&gt; {n}</translation>
    </message>
    <message>
        <source>Check at least one optimizer to race.</source>
        <translation>请至少勾选一个优化器参加竞赛。</translation>
    </message>
</context>
<context>
    <name>ParamEditors</name>
    <message>
        <source>Accepts {range}.</source>
        <translation>可取值：{range}。</translation>
    </message>
    <message>
        <source>May be left empty (none).</source>
        <translation>可留空（即 None）。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose the file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>empty = none</source>
        <translation>留空 = None</translation>
    </message>
    <message>
        <source>{name} {problem}</source>
        <translation>{name} {problem}</translation>
    </message>
    <message>
        <source>Unticked: none (the default)</source>
        <translation>不勾选：None（默认）</translation>
    </message>
    <message>
        <source>More options</source>
        <translation>更多选项</translation>
    </message>
</context>
<context>
    <name>Plots</name>
    <message>
        <source>Decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>Discretize output</source>
        <translation>离散化输出</translation>
    </message>
    <message>
        <source>Flat class colours (a hard decision) instead of shades of confidence.</source>
        <translation>用纯色表示类别（硬决策），而不是按置信度深浅着色。</translation>
    </message>
    <message>
        <source>Show test data</source>
        <translation>显示测试数据</translation>
    </message>
    <message>
        <source>Output surface</source>
        <translation>输出曲面</translation>
    </message>
    <message>
        <source>Colour = the model&apos;s output: orange low ({low:.2g}), blue high ({high:.2g}). Points show the true values; white rim = training, dark rim = test.</source>
        <translation>颜色 = 模型输出：橙色为低（{low:.2g}），蓝色为高（{high:.2g}）。点表示真实值；白边 = 训练，深色边 = 测试。</translation>
    </message>
    <message>
        <source>class {name}</source>
        <translation>类别 {name}</translation>
    </message>
    <message>
        <source>test point (dark rim)</source>
        <translation>测试点（深色边）</translation>
    </message>
    <message>
        <source>Colour = the class the model predicts at each point of the plane; paler = less sure. White rim = training point, dark rim = test point.</source>
        <translation>颜色 = 模型在平面各点预测的类别；越浅 = 越不确定。白边 = 训练点，深色边 = 测试点。</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Confusion matrix ({split} split)</source>
        <translation>混淆矩阵（数据划分：{split}）</translation>
    </message>
    <message>
        <source>{correct:.1%} of {total} correct</source>
        <translation>共 {total} 个，正确 {correct:.1%}</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>Dead ReLU</source>
        <translation>死亡 ReLU</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>死亡</translation>
    </message>
    <message>
        <source>saturated</source>
        <translation>饱和</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>‖gradient‖ (log)</source>
        <translation>‖梯度‖（对数）</translation>
    </message>
    <message>
        <source>first epoch</source>
        <translation>第 1 轮</translation>
    </message>
    <message>
        <source>latest</source>
        <translation>最新</translation>
    </message>
    <message>
        <source>Update ÷ weight</source>
        <translation>更新量 ÷ 权重</translation>
    </message>
    <message>
        <source>‖Δw‖ / ‖w‖ (log)</source>
        <translation>‖Δw‖ / ‖w‖（对数）</translation>
    </message>
    <message>
        <source>typical ≈ 1e-3</source>
        <translation>典型值 ≈ 1e-3</translation>
    </message>
    <message>
        <source>Weight norm</source>
        <translation>权重范数</translation>
    </message>
    <message>
        <source>‖w‖</source>
        <translation>‖w‖</translation>
    </message>
    <message>
        <source>share of units</source>
        <translation>单元占比</translation>
    </message>
    <message>
        <source>no ReLU, Sigmoid or Tanh layers</source>
        <translation>没有 ReLU、Sigmoid 或 Tanh 层</translation>
    </message>
    <message>
        <source>Layers from input (left) to output (right) · solid: latest epoch · dashed: first epoch</source>
        <translation>各层从输入（左）到输出（右）· 实线：最新一轮 · 虚线：第 1 轮</translation>
    </message>
    <message>
        <source>Diagnostics appear after the first epoch: per-layer gradients, weights and activations, with a hint when something looks wrong.</source>
        <translation>第 1 轮结束后显示诊断信息：各层的梯度、权重和激活值，发现异常时会给出提示。</translation>
    </message>
    <message>
        <source>No warning signs: gradients reach every layer, few units are dead or saturated, and the steps are of a sensible size.</source>
        <translation>没有警示迹象：梯度能传到每一层，死亡或饱和的单元很少，更新步长也合理。</translation>
    </message>
    <message>
        <source>What the diagnostics say</source>
        <translation>诊断结果</translation>
    </message>
    <message>
        <source>truth</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>forecast</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>Next value: </source>
        <translation>下一个值：</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>test window</source>
        <translation>测试窗口</translation>
    </message>
    <message>
        <source>Next value</source>
        <translation>下一个值</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>true next</source>
        <translation>真实下一值</translation>
    </message>
    <message>
        <source>One window: </source>
        <translation>单个窗口：</translation>
    </message>
    <message>
        <source>time step (0 = the value to predict)</source>
        <translation>时间步（0 = 待预测的值）</translation>
    </message>
    <message>
        <source>One window</source>
        <translation>单个窗口</translation>
    </message>
    <message>
        <source>window </source>
        <translation>窗口 </translation>
    </message>
    <message>
        <source>Detail:</source>
        <translation>详情：</translation>
    </message>
    <message>
        <source>Test images and predictions</source>
        <translation>测试图像与预测</translation>
    </message>
    <message>
        <source>Test images: {mistakes} of {count} wrong</source>
        <translation>测试图像：{count} 张中错了 {mistakes} 张</translation>
    </message>
    <message>
        <source>{pred} (true {true})</source>
        <translation>{pred}（应为 {true}）</translation>
    </message>
    <message>
        <source>true {true}</source>
        <translation>真实：{true}</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>train, per step</source>
        <translation>训练，每步</translation>
    </message>
    <message>
        <source>train, smoothed</source>
        <translation>训练，平滑</translation>
    </message>
    <message>
        <source>train, epoch mean</source>
        <translation>训练，每轮均值</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Exponential moving average of the per-step loss (as in TensorBoard), with the start-up bias removed. 0 = raw values.</source>
        <translation>每步损失的指数移动平均（与 TensorBoard 相同），已去除起始偏差。0 = 原始值。</translation>
    </message>
    <message>
        <source>x: step</source>
        <translation>x：步</translation>
    </message>
    <message>
        <source>x: epoch</source>
        <translation>x：轮次</translation>
    </message>
    <message>
        <source>log y</source>
        <translation>对数 y</translation>
    </message>
    <message>
        <source>Logarithmic loss axis: late, small improvements become visible.</source>
        <translation>损失轴取对数：后期的微小改进也能看清。</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Accuracy: </source>
        <translation>准确率：</translation>
    </message>
    <message>
        <source>share correct</source>
        <translation>正确比例</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>MAE: </source>
        <translation>MAE：</translation>
    </message>
    <message>
        <source>mean abs. error</source>
        <translation>平均绝对误差</translation>
    </message>
    <message>
        <source>MAE</source>
        <translation>MAE</translation>
    </message>
    <message>
        <source>R²: </source>
        <translation>R²：</translation>
    </message>
    <message>
        <source>R² (1 = perfect)</source>
        <translation>R²（1 = 完美）</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>best: epoch {epoch}</source>
        <translation>最佳：第 {epoch} 轮</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>已早停</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Learning rate: </source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>used</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>it has {layers}</source>
        <translation>它含有 {layers}</translation>
    </message>
    <message>
        <source>its layers branch, merge or start with an activation</source>
        <translation>它的层有分支、合并，或以激活函数开头</translation>
    </message>
    <message>
        <source>The network view draws plain dense networks (Linear layers and activations in a chain, as in TensorFlow Playground); this model is not one: {what}.</source>
        <translation>网络视图只绘制简单的全连接网络（Linear 层与激活函数串成一条链，如 TensorFlow Playground）；此模型不是：{what}。</translation>
    </message>
    <message>
        <source>This network has {count} hidden units; the network view maps at most {limit}. Use fewer or smaller hidden layers to see every unit.</source>
        <translation>此网络有 {count} 个隐藏单元，网络视图最多绘制 {limit} 个。减少隐藏层或缩小隐藏层，即可看到每个单元。</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Press Train: every unit of the network then shows its output over the plane.</source>
        <translation>点击“训练”后，网络的每个单元都会显示它在平面上的输出。</translation>
    </message>
    <message>
        <source>Waiting for the first maps of the units…</source>
        <translation>正在等待各单元的首批输出图…</translation>
    </message>
    <message>
        <source>{layer} · unit {index}</source>
        <translation>{layer} · 单元 {index}</translation>
    </message>
    <message>
        <source>output: p(class {name})</source>
        <translation>输出：p(类别 {name})</translation>
    </message>
    <message>
        <source>output {index}</source>
        <translation>输出 {index}</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Squares: each unit over the plane. Lines: weights. Hover a unit to see it large.</source>
        <translation>方块：各单元在平面上的输出。连线：权重。悬停在单元上可查看大图。</translation>
    </message>
    <message>
        <source>Each square: a unit&apos;s output over the plane (orange negative, blue positive). Lines: weights (blue positive, orange negative, thicker = larger). Hover a unit to see it large.</source>
        <translation>每个方块：一个单元在平面上的输出（橙色为负，蓝色为正）。连线：权重（蓝色为正，橙色为负，越粗 = 越大）。悬停在单元上可查看大图。</translation>
    </message>
    <message>
        <source>Squares: each unit over the plane (no lines: layers of more than {limit} units). Hover a unit to see it large.</source>
        <translation>方块：各单元在平面上的输出（层的单元数超过 {limit} 时不画连线）。悬停在单元上可查看大图。</translation>
    </message>
    <message>
        <source>Each square: a unit&apos;s output over the plane (orange negative, blue positive). Layers of more than {limit} units: maps only, no connections. Hover a unit to see it large.</source>
        <translation>每个方块：一个单元在平面上的输出（橙色为负，蓝色为正）。单元数超过 {limit} 的层只显示输出图，不画连线。悬停在单元上可查看大图。</translation>
    </message>
    <message>
        <source>{label}: from {low:.3g} to {high:.3g} over the plane</source>
        <translation>{label}：在平面上从 {low:.3g} 到 {high:.3g}</translation>
    </message>
    <message>
        <source>{source} → {target}: weight {weight:.3g}</source>
        <translation>{source} → {target}：权重 {weight:.3g}</translation>
    </message>
    <message>
        <source>Predicted vs true (test split)</source>
        <translation>预测值与真实值（测试集）</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>true</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>Press Train: this view then shows what the model does with its data — the decision boundary for 2-D points, predictions on test images, or a forecast for sequences.</source>
        <translation>点击“训练”后，此视图会展示模型如何处理数据：二维点的决策边界、测试图像上的预测，或序列的预测值。</translation>
    </message>
    <message>
        <source>Test images and their reconstructions</source>
        <translation>测试图像及其重建</translation>
    </message>
    <message>
        <source>Rebuilt test images · MSE {error:.3f}</source>
        <translation>重建的测试图像 · MSE {error:.3f}</translation>
    </message>
    <message>
        <source>original</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>rebuilt</source>
        <translation>重建</translation>
    </message>
    <message>
        <source>Embedding of the test samples (&apos;{node}&apos;)</source>
        <translation>测试样本的嵌入（“{node}”）</translation>
    </message>
    <message>
        <source>Embedding of the test samples</source>
        <translation>测试样本的嵌入</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Codes of the test images (&apos;{node}&apos;)</source>
        <translation>测试图像的编码（“{node}”）</translation>
    </message>
    <message>
        <source>Codes of the test images</source>
        <translation>测试图像的编码</translation>
    </message>
    <message>
        <source>Codes</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>principal axis 1</source>
        <translation>主成分 1</translation>
    </message>
    <message>
        <source>principal axis 2</source>
        <translation>主成分 2</translation>
    </message>
    <message>
        <source>unit 1</source>
        <translation>单元 1</translation>
    </message>
    <message>
        <source>unit 2</source>
        <translation>单元 2</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>fitted curve</source>
        <translation>拟合曲线</translation>
    </message>
    <message>
        <source>Fit (training data): </source>
        <translation>拟合（训练数据）：</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>拟合</translation>
    </message>
    <message>
        <source>{name} (standardised)</source>
        <translation>{name}（已标准化）</translation>
    </message>
</context>
<context>
    <name>Presenter</name>
    <message>
        <source>{percent} %</source>
        <translation>{percent} %</translation>
    </message>
    <message>
        <source>&amp;Presenter Mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, with larger text and thicker curves for a projector (the zoom is in Presenter Zoom)</source>
        <translation>全屏显示，文字更大、曲线更粗，适合投影（缩放比例在“演示缩放”中设置）</translation>
    </message>
    <message>
        <source>Presenter &amp;Zoom</source>
        <translation>演示缩放(&amp;Z)</translation>
    </message>
    <message>
        <source>Colour-&amp;blind-safe Colours</source>
        <translation>色盲友好配色(&amp;B)</translation>
    </message>
    <message>
        <source>Plot colours that stay distinct with red-green and other colour-vision deficiencies</source>
        <translation>在红绿色盲等色觉障碍下仍能区分的图表配色</translation>
    </message>
</context>
<context>
    <name>ProbeView</name>
    <message>
        <source>The node to look inside</source>
        <translation>要查看内部的节点</translation>
    </message>
    <message>
        <source>Which sample of the test split goes through the model</source>
        <translation>测试集中送入模型的样本</translation>
    </message>
    <message>
        <source>Draw…</source>
        <translation>绘制…</translation>
    </message>
    <message>
        <source>Draw your own input with the mouse and look at what the node does with it</source>
        <translation>用鼠标绘制自己的输入，看看节点如何处理它</translation>
    </message>
    <message>
        <source>Node:</source>
        <translation>节点：</translation>
    </message>
    <message>
        <source>Sample:</source>
        <translation>样本：</translation>
    </message>
    <message>
        <source>{node} · {type}</source>
        <translation>{node} · {type}</translation>
    </message>
    <message>
        <source>As the weights were after epoch {epoch}, step {step} (looked in {ms:.0f} ms)</source>
        <translation>使用第 {epoch} 轮、第 {step} 步之后的权重（耗时 {ms:.0f} ms）</translation>
    </message>
    <message>
        <source>Build a model to look inside it.</source>
        <translation>请先搭建模型，才能查看其内部。</translation>
    </message>
    <message>
        <source>Train (F5) or step (F10) to look inside {node}: what it computes for one sample, live, on the weights being trained.</source>
        <translation>训练（F5）或单步（F10）即可查看 {node} 的内部：它用正在训练的权重对单个样本实时计算的结果。</translation>
    </message>
    <message>
        <source>Your drawing</source>
        <translation>你的绘图</translation>
    </message>
    <message>
        <source>Test sample {index}</source>
        <translation>测试样本 {index}</translation>
    </message>
    <message>
        <source>label {label}</source>
        <translation>标签 {label}</translation>
    </message>
    <message>
        <source>true value {value}</source>
        <translation>真实值 {value}</translation>
    </message>
    <message>
        <source>predicted {label}</source>
        <translation>预测 {label}</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>saliency</source>
        <translation>显著性图</translation>
    </message>
    <message>
        <source>input over time</source>
        <translation>随时间的输入</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>input features</source>
        <translation>输入特征</translation>
    </message>
    <message>
        <source>Feature maps: {count} channels of {height}×{width}</source>
        <translation>特征图：{count} 个 {height}×{width} 通道</translation>
    </message>
    <message>
        <source>the framed unit sees {size}×{size} input pixels (its receptive field; click a map to move it)</source>
        <translation>框中的单元能看到 {size}×{size} 个输入像素（即其感受野；点击特征图可移动它）</translation>
    </message>
    <message>
        <source>dead {channel}</source>
        <translation>{channel}（死亡）</translation>
    </message>
    <message>
        <source>Filters: {count} kernels of {kh}×{kw} (blue adds, orange subtracts)</source>
        <translation>卷积核：{count} 个 {kh}×{kw} 卷积核（蓝色为加，橙色为减）</translation>
    </message>
    <message>
        <source>Filters: {count} kernels of {kh}×{kw}, averaged over their {inputs} input channels</source>
        <translation>卷积核：{count} 个 {kh}×{kw} 卷积核，已在 {inputs} 个输入通道上取平均</translation>
    </message>
    <message>
        <source>Attention weights of {heads} heads: row i shows where position i looks (each row sums to 1; the darkest cell is {peak:.2f}, an even spread would be {even:.2f})</source>
        <translation>{heads} 个注意力头的注意力权重：第 i 行显示位置 i 关注哪里（每行之和为 1；最深的格子为 {peak:.2f}，均匀分布时为 {even:.2f}）</translation>
    </message>
    <message>
        <source>head {number}</source>
        <translation>头 {number}</translation>
    </message>
    <message>
        <source>Over {steps} time steps (across) for {units} units (down): the hidden state and the gates</source>
        <translation>横向 {steps} 个时间步，纵向 {units} 个单元：隐藏状态和各个门</translation>
    </message>
    <message>
        <source>hidden state h</source>
        <translation>隐藏状态 h</translation>
    </message>
    <message>
        <source>input gate i</source>
        <translation>输入门 i</translation>
    </message>
    <message>
        <source>forget gate f</source>
        <translation>遗忘门 f</translation>
    </message>
    <message>
        <source>candidate g</source>
        <translation>候选值 g</translation>
    </message>
    <message>
        <source>output gate o</source>
        <translation>输出门 o</translation>
    </message>
    <message>
        <source>reset gate r</source>
        <translation>重置门 r</translation>
    </message>
    <message>
        <source>update gate z</source>
        <translation>更新门 z</translation>
    </message>
    <message>
        <source>candidate n</source>
        <translation>候选值 n</translation>
    </message>
    <message>
        <source>Its output for this sample: {units} values, from {low:.3g} to {high:.3g}</source>
        <translation>它对此样本的输出：{units} 个值，从 {low:.3g} 到 {high:.3g}</translation>
    </message>
    <message>
        <source>Over {count} test samples</source>
        <translation>基于 {count} 个测试样本</translation>
    </message>
    <message>
        <source>Outputs of {node}</source>
        <translation>{node} 的输出</translation>
    </message>
    <message>
        <source>Gradients of the loss at {node}</source>
        <translation>损失在 {node} 处的梯度</translation>
    </message>
    <message>
        <source>{dead} of {units} units are dead: their output is 0 for every sample, so no gradient reaches their weights.</source>
        <translation>{units} 个单元中有 {dead} 个已死亡：它们对每个样本的输出都是 0，因此没有梯度能到达它们的权重。</translation>
    </message>
    <message>
        <source>{saturated} of {units} units are saturated: stuck at an end of their range, where the gradient vanishes.</source>
        <translation>{units} 个单元中有 {saturated} 个已饱和：卡在取值范围的一端，那里的梯度会消失。</translation>
    </message>
    <message>
        <source>All {units} units are alive: none is stuck at 0 or at an end of its range.</source>
        <translation>全部 {units} 个单元都是活的：没有一个卡在 0 或取值范围的一端。</translation>
    </message>
</context>
<context>
    <name>ProblemsButton</name>
    <message>
        <source>Click to list them and select the layer.</source>
        <translation>点击可列出问题并选中对应的层。</translation>
    </message>
    <message>
        <source>No problems: every shape fits.</source>
        <translation>没有问题：所有形状都匹配。</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>RaceSection</name>
    <message>
        <source>Train the current experiment once per contender: same initial weights, same batches in the same order, in lock-step.</source>
        <translation>为每个参赛者各训练一次当前实验：相同的初始权重、相同顺序的相同批次，步调一致。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>epochs: </source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>Epochs per contender (the experiment&apos;s own number by default).</source>
        <translation>每个参赛者训练的轮数（默认取实验自身的设置）。</translation>
    </message>
    <message>
        <source>seeds: </source>
        <translation>种子数：</translation>
    </message>
    <message>
        <source>Repeat each contender with this many seeds and draw mean ± std.</source>
        <translation>每个参赛者用这么多个随机种子重复训练，并绘制均值 ± 标准差。</translation>
    </message>
    <message>
        <source>log loss</source>
        <translation>对数损失轴</translation>
    </message>
    <message>
        <source>Draw the loss on a logarithmic scale: a run that explodes no longer flattens the others.</source>
        <translation>用对数刻度画损失：爆炸的那次训练不再把其他曲线压平。</translation>
    </message>
    <message>
        <source>Choose at least one contender.</source>
        <translation>请至少选择一个参赛者。</translation>
    </message>
    <message>
        <source>Racing {n} contenders…</source>
        <translation>{n} 个参赛者正在竞赛…</translation>
    </message>
    <message>
        <source>Racing {n} contenders from identical initial weights on the same batches.</source>
        <translation>{n} 个参赛者正在竞赛：初始权重完全相同，批次也相同。</translation>
    </message>
    <message>
        <source>Racing {n} contenders; initial weights shared where shapes allow ({shared} tensors), same batches.</source>
        <translation>{n} 个参赛者正在竞赛：形状允许处共享初始权重（{shared} 个张量），批次相同。</translation>
    </message>
    <message>
        <source>Stopped. {n} run(s) went into the history.</source>
        <translation>已停止。{n} 次运行已记入历史。</translation>
    </message>
    <message>
        <source>Finished in {s:.1f} s. {n} run(s) went into the history.</source>
        <translation>用时 {s:.1f} s 完成。{n} 次运行已记入历史。</translation>
    </message>
    <message>
        <source>The race could not run: {message}</source>
        <translation>竞赛无法进行：{message}</translation>
    </message>
</context>
<context>
    <name>RaceView</name>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>已早停</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Training loss per step (smoothed)</source>
        <translation>每步训练损失（平滑）</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Learning rate per step</source>
        <translation>每步学习率</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Loss (solid: train, dashed: validation)</source>
        <translation>损失（实线：训练，虚线：验证）</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>Validation R²</source>
        <translation>验证 R²</translation>
    </message>
    <message>
        <source>lines: mean, bands: ± std over {n} seeds</source>
        <translation>线：均值，带：{n} 个种子的 ± 标准差</translation>
    </message>
    <message>
        <source>contender</source>
        <translation>参赛者</translation>
    </message>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>train loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>val loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>val accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>val MAE</source>
        <translation>验证 MAE</translation>
    </message>
    <message>
        <source>val R²</source>
        <translation>验证 R²</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Loss and metrics</source>
        <translation>损失与指标</translation>
    </message>
    <message>
        <source>What the model does</source>
        <translation>模型做了什么</translation>
    </message>
</context>
<context>
    <name>SchedulesPanel</name>
    <message>
        <source>Schedule designer</source>
        <translation>调度设计器</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Use in experiment</source>
        <translation>用于实验</translation>
    </message>
    <message>
        <source>Set the selected schedule as the experiment&apos;s scheduler (undoable).</source>
        <translation>将所选调度设为实验的学习率调度器（可撤销）。</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>per epoch</source>
        <translation>每轮</translation>
    </message>
    <message>
        <source>per step</source>
        <translation>每步</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> 步</translation>
    </message>
    <message>
        <source>Linear warmup: the LR grows from lr/(W+1) to lr over the first W steps.</source>
        <translation>线性预热：在前 W 步内，学习率从 lr/(W+1) 增长到 lr。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>Steps the scheduler</source>
        <translation>调度器步进</translation>
    </message>
    <message>
        <source>Warmup</source>
        <translation>预热</translation>
    </message>
    <message>
        <source>Learning rate per step (before training)</source>
        <translation>每步学习率（训练前）</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Learning rate per step</source>
        <translation>每步学习率</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>learning rate (log)</source>
        <translation>学习率（对数）</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>LR range test: </source>
        <translation>学习率范围测试：</translation>
    </message>
    <message>
        <source>LR range test</source>
        <translation>学习率范围测试</translation>
    </message>
    <message>
        <source>smoothed</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Run LR range test</source>
        <translation>运行范围测试</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Apply suggested LR</source>
        <translation>应用建议学习率</translation>
    </message>
    <message>
        <source>Set the experiment&apos;s optimizer learning rate (undoable).</source>
        <translation>设置实验中优化器的学习率（可撤销）。</translation>
    </message>
    <message>
        <source>Schedule race</source>
        <translation>学习率调度竞赛</translation>
    </message>
    <message>
        <source>Race the checked schedules</source>
        <translation>让所选调度竞赛</translation>
    </message>
    <message>
        <source>Experiment: {type}</source>
        <translation>实验：{type}</translation>
    </message>
    <message>
        <source>Cosine {n}</source>
        <translation>余弦 {n}</translation>
    </message>
    <message>
        <source> (if it never plateaus)</source>
        <translation>（若损失始终未进入平台期）</translation>
    </message>
    <message>
        <source>{epochs} epochs × {steps} steps per epoch = {total} steps; base LR {lr}</source>
        <translation>{epochs} 轮 × 每轮 {steps} 步 = {total} 步；基础学习率 {lr}</translation>
    </message>
    <message>
        <source> (the plot shows the first {count} steps)</source>
        <translation>（图中只显示前 {count} 步）</translation>
    </message>
    <message>
        <source>The experiment now uses the schedule “{name}”.</source>
        <translation>实验现在使用调度“{name}”。</translation>
    </message>
    <message>
        <source>Learning rate set to {lr}.</source>
        <translation>学习率已设为 {lr}。</translation>
    </message>
    <message>
        <source>Check at least one schedule to race.</source>
        <translation>请至少勾选一个调度参加竞赛。</translation>
    </message>
    <message>
        <source>The end LR must be larger than the start LR.</source>
        <translation>终止学习率必须大于起始学习率。</translation>
    </message>
    <message>
        <source>Sweeping the learning rate…</source>
        <translation>正在扫描学习率…</translation>
    </message>
    <message>
        <source>suggested {lr}</source>
        <translation>建议 {lr}</translation>
    </message>
    <message>
        <source>Suggested LR: &lt;b&gt;{lr}&lt;/b&gt; (where the smoothed loss falls fastest); lowest loss at {low}.</source>
        <translation>建议学习率：&lt;b&gt;{lr}&lt;/b&gt;（平滑损失下降最快处）；最低损失出现在 {low}。</translation>
    </message>
    <message>
        <source>No suggestion: too few steps before the loss exploded.</source>
        <translation>无法给出建议：损失爆炸前的步数太少。</translation>
    </message>
    <message>
        <source>The range test could not run: {message}</source>
        <translation>范围测试无法运行：{message}</translation>
    </message>
</context>
<context>
    <name>SettingsInspector</name>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>NumPy archives (*.npz);;All files (*)</source>
        <translation>NumPy 归档 (*.npz);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The experiment&apos;s title (also the class name in exported code).</source>
        <translation>实验的标题（也是导出代码中的类名）。</translation>
    </message>
    <message>
        <source>Experiments (*.json)</source>
        <translation>实验文件 (*.json)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Select a layer on the canvas to edit it; click the empty canvas to come back here.</source>
        <translation>在画布上选中一个层即可编辑它；点击画布空白处可回到这里。</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Share of the samples the model learns from.</source>
        <translation>模型用于学习的样本比例。</translation>
    </message>
    <message>
        <source>Share used to watch for overfitting (early stopping, keep best).</source>
        <translation>用于监测过拟合的样本比例（早停、保留最佳权重）。</translation>
    </message>
    <message>
        <source>Held out until the end: the rest of the samples.</source>
        <translation>留到最后使用：即其余的样本。</translation>
    </message>
    <message>
        <source> % train</source>
        <translation> % 训练</translation>
    </message>
    <message>
        <source> % val</source>
        <translation> % 验证</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Data seed</source>
        <translation>数据种子</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>None (constant)</source>
        <translation>无（恒定）</translation>
    </message>
    <message>
        <source>LR schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Full batch</source>
        <translation>全批量</translation>
    </message>
    <message>
        <source>Every step uses the whole training set (batch gradient descent).</source>
        <translation>每一步都使用整个训练集（批量梯度下降）。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>L1 penalty</source>
        <translation>L1 惩罚</translation>
    </message>
    <message>
        <source>Clip gradients</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>Limit the gradient before each step: a cure for exploding gradients.</source>
        <translation>每步更新前限制梯度大小：应对梯度爆炸的良方。</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>早停</translation>
    </message>
    <message>
        <source>Stop when the monitored metric has not improved for `patience` epochs.</source>
        <translation>监控指标连续 `patience` 轮没有改善时停止训练。</translation>
    </message>
    <message>
        <source>Keep the best weights</source>
        <translation>保留最佳权重</translation>
    </message>
    <message>
        <source>Remember the weights of the best epoch by the monitored metric.</source>
        <translation>按监控指标记住表现最佳那一轮的权重。</translation>
    </message>
    <message>
        <source>restore them at the end</source>
        <translation>结束时恢复</translation>
    </message>
    <message>
        <source>Learn from a teacher (distillation)</source>
        <translation>向教师模型学习（知识蒸馏）</translation>
    </message>
    <message>
        <source>Train on a trained teacher&apos;s softened outputs as well as on the labels; the teacher trains first (once, then it is reused).</source>
        <translation>同时用标签和已训练教师模型软化后的输出来训练；教师模型先训练（只训练一次，之后复用）。</translation>
    </message>
    <message>
        <source>teacher</source>
        <translation>教师模型</translation>
    </message>
    <message>
        <source>Choose the teacher experiment</source>
        <translation>选择教师模型的实验文件</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Initialisation</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Start training from the weights in a .safetensors file the app wrote</source>
        <translation>从本应用写出的 .safetensors 文件中的权重开始训练</translation>
    </message>
    <message>
        <source>Use Seeded</source>
        <translation>使用种子初始化</translation>
    </message>
    <message>
        <source>Start from the seeded initialisation above instead of the weights file</source>
        <translation>改用上面的种子初始化，而不是权重文件</translation>
    </message>
    <message>
        <source>Starting weights</source>
        <translation>初始权重</translation>
    </message>
    <message>
        <source>none (seeded)</source>
        <translation>无（种子初始化）</translation>
    </message>
    <message>
        <source>Every tensor of this file whose name and shape fit the graph is loaded over the seeded initialisation when a run starts; the rest stay seeded</source>
        <translation>训练开始时，此文件中名称和形状与图相符的张量会覆盖种子初始化；其余保持种子初始化</translation>
    </message>
    <message>
        <source>Choose the starting weights</source>
        <translation>选择初始权重</translation>
    </message>
    <message>
        <source>safetensors weights (*.safetensors)</source>
        <translation>safetensors 权重 (*.safetensors)</translation>
    </message>
    <message>
        <source>{count} classes</source>
        <translation>{count} 个类别</translation>
    </message>
    <message>
        <source>regression, {count} value(s)</source>
        <translation>回归，{count} 个值</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Input</translation>
    </message>
    <message>
        <source>{sizes} train/val/test samples</source>
        <translation>训练/验证/测试样本：{sizes}</translation>
    </message>
    <message>
        <source>The name has {count} characters; the field shows the first {shown}. Type a new name to replace it.</source>
        <translation>名称共 {count} 个字符，此处只显示前 {shown} 个。输入新名称即可替换。</translation>
    </message>
    <message>
        <source>{percent} % test</source>
        <translation>{percent} % 测试</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>The node&apos;s id</source>
        <translation>节点的 id</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>The layer type</source>
        <translation>层类型</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Output shape; N is the batch size</source>
        <translation>输出形状；N 为批大小</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Trainable parameters</source>
        <translation>可训练参数</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Multiply-accumulate operations per sample (a measure of compute)</source>
        <translation>每个样本的乘加运算次数（衡量计算量）</translation>
    </message>
    <message>
        <source>Block {name}</source>
        <translation>块 {name}</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Dataset: {error}</source>
        <translation>数据集：{error}</translation>
    </message>
    <message>
        <source>No problems: every shape fits.</source>
        <translation>没有问题：所有形状都匹配。</translation>
    </message>
    <message>
        <source>Model output: {shape}.</source>
        <translation>模型输出：{shape}。</translation>
    </message>
    <message>
        <source>1 problem</source>
        <translation>1 个问题</translation>
    </message>
    <message>
        <source>{count} problems</source>
        <translation>{count} 个问题</translation>
    </message>
    <message>
        <source>1 warning</source>
        <translation>1 个警告</translation>
    </message>
    <message>
        <source>{count} warnings</source>
        <translation>{count} 个警告</translation>
    </message>
</context>
<context>
    <name>SweepPanel</name>
    <message>
        <source>Open Sweep Results…</source>
        <translation>打开扫描结果…</translation>
    </message>
    <message>
        <source>A folder written by playground sweep (it holds results.jsonl)</source>
        <translation>playground sweep 写出的文件夹（其中有 results.jsonl）</translation>
    </message>
    <message>
        <source>The metric the plot shows and the lines are coloured by</source>
        <translation>图中显示、并据以给线条着色的指标</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>No sweep open. Run one with playground sweep FILE --set PATH=V1,V2 --seeds N.</source>
        <translation>尚未打开扫描。用 playground sweep FILE --set PATH=V1,V2 --seeds N 运行一次。</translation>
    </message>
    <message>
        <source>Open Sweep Results</source>
        <translation>打开扫描结果</translation>
    </message>
    <message>
        <source>{folder} holds no {file}: choose the folder playground sweep wrote</source>
        <translation>{folder} 中没有 {file}：请选择 playground sweep 写出的文件夹</translation>
    </message>
    <message>
        <source>{folder}: {runs} runs, {combinations} combinations, up to {seeds} seeds each</source>
        <translation>{folder}：{runs} 次运行，{combinations} 种组合，每种最多 {seeds} 个种子</translation>
    </message>
    <message>
        <source>runs</source>
        <translation>运行次数</translation>
    </message>
    <message>
        <source>{metric} (mean ± std)</source>
        <translation>{metric}（均值 ± 标准差）</translation>
    </message>
</context>
<context>
    <name>TimeMachine</name>
    <message>
        <source>Epoch {epoch} could not be shown again: {error}</source>
        <translation>无法重新显示第 {epoch} 轮：{error}</translation>
    </message>
</context>
<context>
    <name>TimelineBar</name>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Fork from here…</source>
        <translation>从此处分叉…</translation>
    </message>
    <message>
        <source>Rewind to start…</source>
        <translation>回到起点…</translation>
    </message>
    <message>
        <source>Epoch {epoch}, live</source>
        <translation>第 {epoch} 轮（实时）</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {latest}</source>
        <translation>第 {epoch} 轮 / 共 {latest} 轮</translation>
    </message>
    <message>
        <source>Drag or use the arrow keys to look back at a kept epoch; the ticks mark them.</source>
        <translation>拖动或使用方向键回看已保留的轮次；刻度标出了这些轮次。</translation>
    </message>
    <message>
        <source>Back to the latest weights, as training goes on.</source>
        <translation>回到最新的权重，随训练继续更新。</translation>
    </message>
    <message>
        <source>Train a new run from the epoch shown, with changed settings; this run stays as it is.</source>
        <translation>从所显示的轮次开始，用更改后的设置训练一个新运行；本次运行保持不变。</translation>
    </message>
    <message>
        <source>Train a new run from the same initial weights and batches, with changed settings.</source>
        <translation>从相同的初始权重和批次开始，用更改后的设置训练一个新运行。</translation>
    </message>
    <message>
        <source>This run keeps no weight snapshots, so there is nothing to look back at or fork from.</source>
        <translation>本次运行不保留权重快照，因此无法回看，也无法从中分叉。</translation>
    </message>
</context>
<context>
    <name>TrainingController</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train the model; while training, pause; while paused, resume</source>
        <translation>训练模型；训练中点击则暂停，暂停时点击则继续</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Train on one batch, then pause</source>
        <translation>训练一个批，然后暂停</translation>
    </message>
    <message>
        <source>Step Epoch</source>
        <translation>单轮</translation>
    </message>
    <message>
        <source>Train to the end of the epoch, then pause</source>
        <translation>训练到本轮结束，然后暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop training (the plots keep the run)</source>
        <translation>停止训练（图表保留本次运行）</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Forget the run and show the initial weights again (same seed)</source>
        <translation>丢弃本次运行，重新显示初始权重（随机种子不变）</translation>
    </message>
    <message>
        <source>Export Metrics as CSV…</source>
        <translation>将指标导出为 CSV…</translation>
    </message>
    <message>
        <source>Export Step Losses as CSV…</source>
        <translation>将每步损失导出为 CSV…</translation>
    </message>
    <message>
        <source>Not trained yet</source>
        <translation>尚未训练</translation>
    </message>
    <message>
        <source>Learning rate of the running model: change it while training and watch the loss react (the change is marked in the learning-rate plot).</source>
        <translation>正在训练的模型的学习率：可在训练中修改，观察损失如何变化（修改处会在学习率图中标出）。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Training is running: stop it (Shift+F5) to edit the graph.</source>
        <translation>正在训练：请先停止（Shift+F5）再编辑网络图。</translation>
    </message>
    <message>
        <source>The experiment was changed, so training stopped; the plots show the run up to that point.</source>
        <translation>实验已被修改，训练随之停止；图表显示截至该时刻的运行。</translation>
    </message>
    <message>
        <source>Another experiment was opened.</source>
        <translation>已打开另一个实验。</translation>
    </message>
    <message>
        <source>The network or its settings changed after this run: the plots show the run as it was trained (it stays in the run history). Train to train the changed experiment.</source>
        <translation>本次运行之后，网络或其设置已更改：图表显示的是当时训练的结果（它仍保留在运行历史中）。点击“训练”即可训练修改后的实验。</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Reset: the model starts again from its initial weights.</source>
        <translation>已重置：模型从初始权重重新开始。</translation>
    </message>
    <message>
        <source>Learning rate set to {lr:g}</source>
        <translation>学习率已设为 {lr:g}</translation>
    </message>
    <message>
        <source>the dataset cannot be loaded: {error}</source>
        <translation>数据集无法加载：{error}</translation>
    </message>
    <message>
        <source> (and {count} more)</source>
        <translation>（另有 {count} 个）</translation>
    </message>
    <message>
        <source>fix the graph first — {node}{message}{more}</source>
        <translation>请先修正图中的问题——{node}{message}{more}</translation>
    </message>
    <message>
        <source>the graph has no output</source>
        <translation>图没有输出</translation>
    </message>
    <message>
        <source>Forked from epoch {epoch} of the last run.</source>
        <translation>已从上一次运行的第 {epoch} 轮分叉。</translation>
    </message>
    <message>
        <source>Rewound to the last run&apos;s initial weights.</source>
        <translation>已回到上一次运行的初始权重。</translation>
    </message>
    <message>
        <source>Cannot train: {problem}</source>
        <translation>无法训练：{problem}</translation>
    </message>
    <message>
        <source>Training started.</source>
        <translation>训练已开始。</translation>
    </message>
    <message>
        <source>Training diverged. {message}</source>
        <translation>训练发散。{message}</translation>
    </message>
    <message>
        <source>Training could not run: {message}</source>
        <translation>训练无法运行：{message}</translation>
    </message>
    <message>
        <source>Training finished</source>
        <translation>训练完成</translation>
    </message>
    <message>
        <source>validation accuracy {value}</source>
        <translation>验证集准确率 {value}</translation>
    </message>
    <message>
        <source>test accuracy {value}</source>
        <translation>测试集准确率 {value}</translation>
    </message>
    <message>
        <source>validation R² {value}</source>
        <translation>验证集 R² {value}</translation>
    </message>
    <message>
        <source>test MAE {value}</source>
        <translation>测试集 MAE {value}</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>正在准备…</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs} · step {step}</source>
        <translation>第 {epoch}/{epochs} 轮 · 第 {step} 步</translation>
    </message>
    <message>
        <source> · {rate} samples/s</source>
        <translation> · {rate} 样本/s</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>took {time}</source>
        <translation>用时 {time}</translation>
    </message>
    <message>
        <source>ETA …</source>
        <translation>预计剩余 …</translation>
    </message>
    <message>
        <source>ETA {time}</source>
        <translation>预计剩余 {time}</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Loss &amp;&amp; Metrics Plot…</source>
        <translation>损失与指标图…</translation>
    </message>
    <message>
        <source>Learning Rate Plot…</source>
        <translation>学习率图…</translation>
    </message>
    <message>
        <source>Diagnostics…</source>
        <translation>诊断…</translation>
    </message>
    <message>
        <source>Task View…</source>
        <translation>任务视图…</translation>
    </message>
    <message>
        <source>Network View…</source>
        <translation>网络视图…</translation>
    </message>
    <message>
        <source>Loss &amp;&amp; metrics</source>
        <translation>损失与指标</translation>
    </message>
    <message>
        <source>Task view</source>
        <translation>任务视图</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Look Inside View…</source>
        <translation>查看内部视图…</translation>
    </message>
    <message>
        <source>Time Machine Snapshots (safetensors)…</source>
        <translation>时间机器快照（safetensors）…</translation>
    </message>
    <message>
        <source>Recording of the Run (GIF)…</source>
        <translation>运行录像（GIF）…</translation>
    </message>
    <message>
        <source>Look inside</source>
        <translation>查看内部</translation>
    </message>
    <message>
        <source>set to {lr:g}</source>
        <translation>设为 {lr:g}</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>发散</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>● training</source>
        <translation>● 训练中</translation>
    </message>
    <message>
        <source>❚❚ paused</source>
        <translation>❚❚ 已暂停</translation>
    </message>
    <message>
        <source>✓ finished</source>
        <translation>✓ 已完成</translation>
    </message>
    <message>
        <source>✕ diverged</source>
        <translation>✕ 已发散</translation>
    </message>
    <message>
        <source>■ stopped</source>
        <translation>■ 已停止</translation>
    </message>
    <message>
        <source>Train (F5) runs the experiment, Step (F10) one batch, Step Epoch (Shift+F10) one epoch; change the learning rate while it runs. Messages about the run appear here.</source>
        <translation>“训练”（F5）运行实验，“单步”（F10）训练一个批，“单轮”（Shift+F10）训练一轮；运行中可修改学习率。有关运行的消息会显示在这里。</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>There is no run to export yet: train first.</source>
        <translation>还没有可导出的运行：请先训练。</translation>
    </message>
    <message>
        <source>Export Metrics</source>
        <translation>导出指标</translation>
    </message>
    <message>
        <source>This run kept no weight snapshots yet: train at least one epoch first.</source>
        <translation>本次运行尚未保留任何权重快照：请先至少训练一轮。</translation>
    </message>
    <message>
        <source>Save Time Machine Snapshots</source>
        <translation>保存时间机器快照</translation>
    </message>
    <message>
        <source>Timeline manifest (*.json)</source>
        <translation>时间线清单 (*.json)</translation>
    </message>
    <message>
        <source>Animated GIF (*.gif)</source>
        <translation>动画 GIF (*.gif)</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Save Recording</source>
        <translation>保存录像</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Could not write {path}:
{error}</source>
        <translation>无法写入 {path}：
{error}</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
</context>
<context>
    <name>XrayNetwork</name>
    <message>
        <source>inputs</source>
        <translation>输入</translation>
    </message>
</context>
<context>
    <name>XrayWindow</name>
    <message>
        <source>Backprop X-ray</source>
        <translation>反向传播 X 光</translation>
    </message>
    <message>
        <source>Computing one training step…</source>
        <translation>正在计算一次训练步骤…</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Mean of a</source>
        <translation>a 的均值</translation>
    </message>
    <message>
        <source>Std of a</source>
        <translation>a 的标准差</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Update norm</source>
        <translation>更新量范数</translation>
    </message>
    <message>
        <source>Update / weight</source>
        <translation>更新量 / 权重</translation>
    </message>
    <message>
        <source>Check the gradient</source>
        <translation>检验梯度</translation>
    </message>
    <message>
        <source>Autograd&apos;s ∂L/∂w beside a central finite difference (L(w+h) − L(w−h)) / 2h, both in float64 on the same frozen batch. Pick a weight here or click a line.</source>
        <translation>将 Autograd 的 ∂L/∂w 与中心有限差分 (L(w+h) − L(w−h)) / 2h 并列比较，两者都在同一冻结批次上以 float64 计算。在此处选择一个权重，或点击一条连线。</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检验</translation>
    </message>
    <message>
        <source>The X-ray cannot be shown: {problem}</source>
        <translation>无法显示 X 光：{problem}</translation>
    </message>
    <message>
        <source>They agree.</source>
        <translation>两者一致。</translation>
    </message>
    <message>
        <source>They differ.</source>
        <translation>两者不一致。</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>autograd</source>
        <translation>autograd</translation>
    </message>
    <message>
        <source>finite difference</source>
        <translation>有限差分</translation>
    </message>
    <message>
        <source>relative difference</source>
        <translation>相对差异</translation>
    </message>
    <message>
        <source>step h</source>
        <translation>步长 h</translation>
    </message>
    <message>
        <source>X-ray (chain rule)</source>
        <translation>X 光（链式法则）</translation>
    </message>
    <message>
        <source>{count} samples: the whole training split</source>
        <translation>{count} 个样本：整个训练集</translation>
    </message>
    <message>
        <source>{count} samples: the first batch of epoch 1</source>
        <translation>{count} 个样本：第 1 轮的第一个批次</translation>
    </message>
    <message>
        <source>Frozen batch: {batch}. Optimizer {optimizer}, learning rate {lr}.</source>
        <translation>冻结批次：{batch}。优化器 {optimizer}，学习率 {lr}。</translation>
    </message>
    <message>
        <source>Per-layer statistics ({reason}).</source>
        <translation>只显示逐层统计（{reason}）。</translation>
    </message>
    <message>
        <source>unit {number}</source>
        <translation>单元 {number}</translation>
    </message>
    <message>
        <source>Unit {number}</source>
        <translation>单元 {number}</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检验…</translation>
    </message>
</context>
</TS>
