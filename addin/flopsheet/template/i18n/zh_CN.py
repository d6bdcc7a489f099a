"""Simplified Chinese (zh-CN) of every text the template writes, keyed by its English text.

flopsheet.template.i18n.tr looks texts up here; tests/template/test_template_i18n.py fails when the
English build writes a text that has no entry (change the English, change the key here too). Paper
titles stay in English inside the Chinese sentence (that is how they are cited); defined names in
SAME stay as written because formulas use them.
"""

STRINGS = {
    "flopsheet: what large AI models cost in compute":
        "flopsheet：大模型的算力成本",
    "Estimates of what large AI models cost in compute: training FLOPs, GPU-days, GPUs for a deadline, dollars and energy; inference latency, memory and serving fleets; image, video and text tokens.":
        "估算大模型的算力成本：训练的浮点运算量（FLOPs）、GPU·天、按期完成所需的 GPU 数、美元与能耗；推理延迟、显存与服务集群；图像、视频和文本的词元（token）数。",
    "Every result is a formula calling a flopsheet function (an xlwings add-in written in Python), so you can read, audit and change each step. Yellow cells are inputs; white cells are locked formulas.":
        "每个结果都是调用 flopsheet 函数（一个用 Python 编写的 xlwings 加载项）的公式，每一步都可以查看、审核和修改。黄色单元格是输入；白色单元格是锁定的公式。",
    "Are the functions live?":
        "函数是否已启用？",
    "Add-in status":
        "加载项状态",
    "Shows the add-in version (e.g. 0.1.0) when the functions work. #NAME? means they are not loaded yet: follow the steps below.":
        "函数可用时显示加载项版本（如 0.1.0）。显示 #NAME? 表示尚未加载：请按下面的步骤操作。",
    "Switch the functions on (Excel for Windows, once)":
        "启用函数（Windows 版 Excel，只需一次）",
    "1. Install Python 3.10 or later, then in a terminal, in a copy of the flopsheet repository: pip install .  (brings xlwings and its Excel DLL).":
        "1. 安装 Python 3.10 或更高版本，然后在终端中进入 flopsheet 仓库的副本，运行：pip install .（会同时安装 xlwings 及其 Excel DLL）。",
    "2. Open this workbook in Excel for Windows and click Enable Content. If Excel blocks macros from the internet: right-click the file > Properties > Unblock, then reopen.":
        "2. 用 Windows 版 Excel 打开本工作簿，点击“启用内容”。若 Excel 阻止来自互联网的宏：右键单击文件 > 属性 > 解除锁定，然后重新打开。",
    "3. Once: File > Options > Trust Center > Trust Center Settings > Macro Settings > tick 'Trust access to the VBA project object model'.":
        "3. 只需一次：文件 > 选项 > 信任中心 > 信任中心设置 > 宏设置 > 勾选“信任对 VBA 工程对象模型的访问”。",
    "4. Press Alt+F8 and run ImportPythonUDFs (or, with the xlwings add-in installed: xlwings tab > Import Functions).":
        "4. 按 Alt+F8 运行 ImportPythonUDFs（若已安装 xlwings 加载项：xlwings 选项卡 > Import Functions）。",
    "5. Press Ctrl+Alt+F9 to recalculate: the status cell shows the version. Save (keep the .xlsm format).":
        "5. 按 Ctrl+Alt+F9 重新计算：状态单元格会显示版本号。保存（保持 .xlsm 格式）。",
    "The xlwings.conf sheet tells xlwings to load flopsheet.udfs; leave it in place. This add-in needs Excel for Windows: elsewhere the cells show #NAME? (on macOS and Excel on the web, xlwings Lite gives the same functions: see above).":
        "xlwings.conf 工作表告诉 xlwings 加载 flopsheet.udfs，请保留它。此加载项需要 Windows 版 Excel：在其他环境中单元格会显示 #NAME?（在 macOS 版和网页版 Excel 中，xlwings Lite 提供相同的函数：见上文）。",
    "Which file to use where":
        "哪种环境用哪个文件",
    "Excel for Windows with Python installed: flopsheet.xlsm, the template with the Windows add-in (xlwings); its Start sheet says how to switch the functions on.":
        "装有 Python 的 Windows 版 Excel：flopsheet.xlsm，即带 Windows 加载项（xlwings）的模板；其 Start 工作表说明如何启用函数。",
    "Excel on macOS, Excel on the web, or Windows without Python: xlwings Lite, the free xlwings add-in from Excel's add-in store (Home > Add-ins > xlwings). Paste flopsheet's main.py and requirements.txt (written by flopsheet lite; workbook/lite/ in the repository) into its editor and restart it: the same functions (=GPU_DAYS(...)) then work in your workbooks.":
        "macOS 版 Excel、网页版 Excel，或未安装 Python 的 Windows：使用 xlwings Lite，即 Excel 加载项商店中免费的 xlwings 加载项（开始 > 加载项 > xlwings）。把 flopsheet 的 main.py 和 requirements.txt（由 flopsheet lite 生成；仓库中的 workbook/lite/）粘贴到它的编辑器中并重启：相同的函数（=GPU_DAYS(...)）即可在你的工作簿中使用。",
    "No add-in at all (finance, LibreOffice, Google Sheets): flopsheet.xlsx, the hand-off copy: the same figures as native Excel formulas.":
        "完全不用加载项（财务、LibreOffice、Google 表格）：flopsheet.xlsx，即交接副本：相同的数值，全部是原生 Excel 公式。",
    "Numbers may also be typed as text magnitudes: \"175B\", \"1.4T\", \"2.53万\", \"3.5亿\", \"46.2%\". Without an add-in (LibreOffice, Google Sheets) open flopsheet.xlsx, the hand-off copy.":
        "数字也可以按文本量级输入：\"175B\"、\"1.4T\"、\"2.53万\"、\"3.5亿\"、\"46.2%\"。没有加载项时（LibreOffice、Google 表格），请打开交接副本 flopsheet.xlsx。",
    "Global assumptions (defined names used by the formulas)":
        "全局假设（公式使用的定义名称）",
    "Name":
        "名称",
    "Value":
        "值",
    "Unit":
        "单位",
    "Meaning and source":
        "含义与来源",
    "fraction":
        "比例",
    "Model FLOPs utilization when a scenario leaves it blank":
        "情景未填写时采用的模型算力利用率（MFU）",
    "Epoch AI: median MFU of known runs 0.375; PaLM 540B 0.462; Llama 3.1 405B 0.38-0.43":
        "Epoch AI：已知训练的 MFU 中位数为 0.375；PaLM 540B 为 0.462；Llama 3.1 405B 为 0.38-0.43",
    "ratio":
        "比值",
    "Power usage effectiveness of the data centre":
        "数据中心的电能使用效率（PUE）",
    "Hyperscalers report 1.1-1.2 (Google, Meta sustainability reports)":
        "超大规模云厂商报告为 1.1-1.2（Google、Meta 可持续发展报告）",
    "Fraction of datasheet memory bandwidth decode reaches":
        "解码能达到的数据手册显存带宽比例",
    "Measured H100 copy bandwidth 3.03 of 3.35 TB/s (90%); 80% leaves room for kernels":
        "实测 H100 拷贝带宽为 3.35 TB/s 中的 3.03 TB/s（90%）；取 80% 为计算核留出余量",
    "Fraction of GPU memory usable for weights and KV cache":
        "可用于权重和 KV 缓存的 GPU 显存比例",
    "Runtime, activations and fragmentation take the rest":
        "其余被运行时、激活值和碎片占用",
    "Precision when a scenario leaves it blank":
        "情景未填写时采用的精度",
    "The functions' default: BF16, the format large models train in":
        "函数的默认值：BF16，大模型训练所用的格式",
    "Pick a precision":
        "请选择精度",
    "Not in the list":
        "不在列表中",
    "Choose":
        "请选择",
    "s":
        "秒",
    "Cost of capital a year, for owning GPUs (capex recovered as an annuity)":
        "持有 GPU 的年资本成本（资本支出按年金回收）",
    "Data-centre space and power (colocation), per kW of server power a month":
        "数据中心空间与电力（托管），每千瓦服务器功率每月",
    "ESTIMATE: the low end of the 10-17% a year (SOFR + 500-700 bp) that GPU-backed loans cost, USD.AI / gpuloans.com, 2025-12-15, https://www.gpuloans.com/blog/gpu-financing-private-credit-vs-banks; a hyperscaler's own cost of capital is lower: type yours":
        "估计值：以 GPU 为抵押的贷款年成本 10–17%（SOFR + 500–700 个基点）的下限，USD.AI / gpuloans.com，2025-12-15，https://www.gpuloans.com/blog/gpu-financing-private-credit-vs-banks；超大规模云厂商自身的资本成本更低：请填写您的数值",
    "CBRE, North America Data Center Trends H2 2024 (2025-02-26): average monthly asking rate for a 250-500 kW requirement across primary markets, $184.06 per kW, https://www.cbre.com/insights/reports/north-america-data-center-trends-h2-2024":
        "CBRE《北美数据中心趋势 2024 下半年》（2025-02-26）：主要市场 250–500 千瓦需求的平均月度要价，每千瓦 184.06 美元，https://www.cbre.com/insights/reports/north-america-data-center-trends-h2-2024",
    "fraction/year":
        "比例/年",
    "USD/kW-month":
        "美元/千瓦·月",
    "Seconds in a day":
        "一天的秒数",
    "24 x 3600":
        "24 × 3600",
    "days":
        "天",
    "Days in the seed's 'one month'":
        "原始报告中“一个月”的天数",
    "The seed report's H100 example uses 30 days":
        "原始报告的 H100 示例按 30 天计",
    "W":
        "W",
    "Server wall power per watt of GPU TDP (host CPUs, NICs, fans)":
        "每瓦 GPU TDP 对应的服务器墙端功率（含主机 CPU、网卡、风扇）",
    "NVIDIA DGX H100: ~10.2 kW system power for 8 x 700 W GPUs (10200 / 5600)":
        "NVIDIA DGX H100：8 张 700 W GPU 的系统功率约 10.2 kW（10200 / 5600）",
    "Watts in a megawatt (energy in MWh = W x hours / this)":
        "一兆瓦的瓦数（能耗 MWh = 瓦 × 小时 ÷ 此值）",
    "SI prefix mega = 10^6":
        "国际单位制词头“兆” = 10^6",
    "Cell styles":
        "单元格样式",
    "Input":
        "输入",
    "Type here. Scenario inputs and assumptions; unlocked.":
        "在此输入。情景输入和假设；未锁定。",
    "Data":
        "数据",
    "Figures from datasheets (GPUs sheet); editable, edits flow into Training's peak and price.":
        "来自数据手册的数值（GPUs 工作表）；可编辑，修改会传递到 Training 的峰值和价格。",
    "Calculation":
        "计算",
    "A formula; locked (Review > Unprotect Sheet, no password, to change it).":
        "公式；已锁定（如需修改：审阅 > 撤消工作表保护，无密码）。",
    "Check":
        "核对",
    "A formula that compares the workbook with a published figure.":
        "将工作簿结果与已发表数值比较的公式。",
    "Header":
        "表头",
    "Column headers; units in brackets.":
        "列标题；括号内为单位。",
    "Note":
        "说明",
    "Explanations and sources.":
        "解释与来源。",
    "Sheets":
        "工作表",
    "Accelerator catalog: dense peaks per precision, memory, bandwidth, TDP, price assumption, sources.":
        "加速器目录：各精度的稠密峰值、显存、带宽、TDP、价格假设及来源。",
    "Training scenarios: compute, GPU-hours and days, wall-clock days, GPUs for a deadline, cost, energy.":
        "训练情景：算力、GPU·小时和 GPU·天、实际天数、按期所需 GPU 数、成本、能耗。",
    "Image and video tokens; the seed's all-images-of-2022 training estimate.":
        "图像和视频词元；原始报告“用 2022 年全部图像训练”的估算。",
    "Every worked figure of the seed report beside the workbook's value, and where the report is wrong.":
        "原始报告的每个算例与本工作簿的数值并列，并指出报告的错误之处。",
    "Every quantity the formulas use (a GPU's row, the peak and MFU used, a decode step's time...), one labelled cell each: a list, and helper columns working tables out row by row.":
        "公式用到的每个量（GPU 所在行、所用峰值和 MFU、一步解码的时间……），每个量一个带标签的单元格：一个列表，以及逐行计算各表的辅助列。",
    "Papers, datasheets and assumptions behind every figure, with links.":
        "每个数值背后的论文、数据手册和假设，附链接。",
    "Functions ({count}, from flopsheet {version})":
        "函数（{count} 个，来自 flopsheet {version}）",
    "Function":
        "函数",
    "Returns":
        "返回",
    "What it does; arguments ([optional])":
        "作用；参数（[可选]）",
    "FLOPs":
        "FLOPs",
    "tokens":
        "词元",
    "Compute-optimal training tokens for a model size (Chinchilla: about 20 tokens per parameter).":
        "给定模型规模的算力最优训练词元数（Chinchilla：每个参数约 20 个词元）。",
    "GPU-hours":
        "GPU·小时",
    "GPU-hours to compute flops at mfu of the GPU's dense peak.":
        "以 GPU 稠密峰值的 mfu 计算 flops 所需的 GPU·小时。",
    "GPU-days":
        "GPU·天",
    "GPU-days to compute flops at mfu of the GPU's dense peak.":
        "以 GPU 稠密峰值的 mfu 计算 flops 所需的 GPU·天。",
    "Wall-clock days to compute flops on gpus GPUs.":
        "在 gpus 块 GPU 上计算 flops 所需的实际天数。",
    "GPUs":
        "GPU 数",
    "Whole GPUs needed to compute flops within days wall-clock days (rounded up).":
        "在 days 个实际天数内算完 flops 所需的整块 GPU 数（向上取整）。",
    "USD":
        "美元",
    "Cost in USD of computing flops at a price per GPU-hour (blank: the catalog's dated price for the GPU).":
        "按每 GPU·小时价格计算 flops 的成本（美元；价格留空时采用目录中该 GPU 注明日期的价格）。",
    "MWh":
        "MWh",
    "Energy in MWh at the wall: GPU-hours x the GPU's TDP x PUE.":
        "电网侧能耗（MWh）：GPU·小时 × GPU 的 TDP × PUE。",
    "seconds":
        "秒",
    "Compute-bound seconds for flops at mfu of the GPU's peak (the seed's method; a floor, see RESPONSE_SECONDS).":
        "以 GPU 峰值的 mfu 计算 flops 的计算受限秒数（原始报告的方法；是下限，见 RESPONSE_SECONDS）。",
    "ms":
        "毫秒",
    "Milliseconds per decode step (one token per sequence): memory-bandwidth or compute bound, whichever is slower.":
        "每个解码步的毫秒数（每个序列一个词元）：受显存带宽或算力限制，取较慢者。",
    "Seconds to answer a request: compute-bound prefill of the prompt plus one decode step per output token.":
        "回答一次请求的秒数：提示词的计算受限预填充，加上每个输出词元一个解码步。",
    "tokens/s":
        "词元/秒",
    "Generated tokens per second, all sequences of the batch together: batch / DECODE_MS x 1000.":
        "每秒生成的词元数，批内所有序列合计：batch ÷ DECODE_MS × 1000。",
    "GB":
        "GB",
    "Memory for weights, gradients and Adam states in mixed-precision training, in GB (activations excluded).":
        "混合精度训练中权重、梯度和 Adam 状态占用的显存（GB，不含激活值）。",
    "Whole GPUs whose memory holds gb, using usable_fraction of each (rounded up).":
        "显存能容纳 gb 的整块 GPU 数，每块按 usable_fraction 计（向上取整）。",
    "Tokens of an image: patch x patch squares (a partial patch costs a token), or a named tokenizer's rule (GPT-4o tiles, Claude, Gemini, Qwen2.5-VL...).":
        "图像的词元数：切成 patch × patch 方块（不完整的块也算一个词元），或按指定分词器的规则（GPT-4o 分块、Claude、Gemini、Qwen2.5-VL 等）。",
    "Tokens of a video: frame groups of temporal_patch frames, each cut like an image; or, with a tokenizer name in patch and the video's fps, the frames that tokenizer samples.":
        "视频的词元数：每 temporal_patch 帧为一组，每组像图像一样切块；或在 patch 中填分词器名称并给出视频的帧率（fps），按该分词器采样的帧计算。",
    "Tokens of seconds of video as a tokenizer samples it: Gemini 263 a second, Qwen2.5-VL 2 frames a second in pairs at its video resolution.":
        "按分词器的采样方式计算若干秒视频的词元数：Gemini 每秒 263 个；Qwen2.5-VL 每秒取 2 帧、两帧一组，按其视频分辨率计算。",
    "Tokens of seconds of audio at a published rate: Whisper's encoder 50 a second (default), Gemini 32.":
        "按公开速率计算若干秒音频的词元数：Whisper 编码器每秒 50 个（默认），Gemini 每秒 32 个。",
    "The same question with today's tokenizers (the vision-tokenizer catalog)":
        "同一问题，换用当今模型的分词器（视觉分词器目录）",
    "Tokenizer":
        "分词器",
    "GPUs for the deadline (dense)":
        "按期完成所需 GPU 数（稠密）",
    "x the seed's tokens":
        "相对原始报告词元数的倍数",
    "estimate":
        "估计",
    "Each row is the seed's 1024 x 768 image under a tokenizer's published rule (IMAGE_TOKENS with its name), then the seed's arithmetic: images x tokens, 6 x params x tokens, GPUs at the dense peak for the deadline. Type another name from the catalog (docs/functions.md, Vision tokenizers) in a yellow cell.":
        "每行是原始报告那张 1024 × 768 的图像在某个分词器公开规则下的词元数（IMAGE_TOKENS 加分词器名称），再按原始报告的算法：图像数 × 词元数，6 × 参数 × 词元，按稠密峰值算出按期所需的 GPU。可在黄色单元格中填入目录中的其他名称（docs/functions.md 的 Vision tokenizers）。",
    "GPT-4o-mini's count is a price device (2833 + 5667 per tile, billed at a lower price), so it is not listed; Gemini's tile count for large images is an estimate.":
        "GPT-4o-mini 的词元数是一种计价手段（2833 + 每块 5667，按更低单价计费），故未列出；Gemini 对大图的分块数为估计。",
    "A 10-second 720p clip at 30 fps: every frame in patches (seed) against today's sampling":
        "一段 10 秒、30 fps 的 720p 视频：每帧切块（原始报告）与当今模型的采样对比",
    "Frames per second":
        "每秒帧数",
    "Every frame at full resolution in 16-px patches (the seed's method)":
        "每帧以全分辨率切成 16 像素的块（原始报告的方法）",
    "Gemini counts 263 tokens a second at any frame size; Qwen2.5-VL samples 2 frames a second, merges pairs of frames and resizes each within 768 x 28 x 28 pixels.":
        "Gemini 不论画面大小每秒计 263 个词元；Qwen2.5-VL 每秒取 2 帧，两帧合并，每帧缩放到 768 × 28 × 28 像素以内。",
    "In this copy the tokens per image are the add-in's values: the tokenizer rules have no native Excel formula yet, so changing a name or the image size does not update them.":
        "本副本中每张图像的词元数是加载项算出的数值：分词器规则尚无原生 Excel 公式，修改名称或图像尺寸不会更新它们。",
    "In this copy the tokenizer rows are the add-in's values (no native formula yet). Gemini counts 263 tokens a second at any frame size; Qwen2.5-VL samples 2 frames a second, merges pairs of frames and resizes each within 768 x 28 x 28 pixels.":
        "本副本中各分词器行是加载项算出的数值（尚无原生公式）。Gemini 不论画面大小每秒计 263 个词元；Qwen2.5-VL 每秒取 2 帧，两帧合并，每帧缩放到 768 × 28 × 28 像素以内。",
    "Tokens in an amount of text: words, English or Chinese characters, or any tokens-per-unit ratio.":
        "一段文本的词元数：按英文单词、英文或中文字符，或任意“每单位词元数”比例。",
    "words":
        "词",
    "English words that a number of tokens makes (4/3 tokens per word by default).":
        "一定数量的词元相当于多少英文单词（默认每词 4/3 个词元）。",
    "as the field says":
        "视字段而定",
    "One figure of a GPU from the catalog: a dense peak, memory, bandwidth, TDP, vendor, year or source.":
        "目录中 GPU 的一项数值：稠密峰值、显存、带宽、TDP、厂商、年份或来源。",
    "names":
        "名称",
    "The catalog's GPU names as a column (spills).":
        "目录中的 GPU 名称，按列返回（溢出）。",
    "number":
        "数字",
    "The number a human-typed magnitude means: \"175B\" -> 1.75E+11, \"2.53万\" -> 25300, \"46.2%\" -> 0.462.":
        "人工输入的量级所代表的数字：\"175B\" -> 1.75E+11，\"2.53万\" -> 25300，\"46.2%\" -> 0.462。",
    "text":
        "文本",
    "The flopsheet add-in's version; a cell showing it proves the functions are live.":
        "flopsheet 加载项的版本；单元格能显示它，说明函数可用。",
    "GPUs: datasheet figures, dense peaks":
        "GPUs：数据手册数值，稠密峰值",
    "Peaks are DENSE (no 2:4 sparsity): a vendor's headline figure = dense x sparsity factor. An empty cell is a format the chip lacks, or a figure that is unconfirmed or not published (see 'Empty because').":
        "峰值均为稠密值（不含 2:4 稀疏）：厂商宣传值 = 稠密值 × 稀疏倍数。空单元格表示芯片不支持该格式，或数值未经证实、未公布（见“为何为空”）。",
    "Edit any figure, or add a GPU in the first empty row below the table: Training and Multimodal look up peaks and prices here by name (grey keys in row 5), so your edits flow through on recalculation.":
        "可修改任意数值，或在表格下方第一个空行添加 GPU：Training 和 Multimodal 按名称在此查找峰值和价格（第 5 行的灰色键），重新计算时修改即生效。",
    "Training reads peaks, prices and TDP here. On the Inference sheet, functions that need memory or bandwidth read the add-in's built-in catalog by GPU name (edit those there: the hand-off copy reads this sheet). Prices are not datasheet figures: the $/GPU-hour column shows the Economics sheet's price table (date and source per row); edit prices there.":
        "Training 在此读取峰值、价格和 TDP。Inference 工作表中需要显存或带宽的函数，按 GPU 名称读取加载项内置目录（在那里修改；交接副本读取本工作表）。价格不是数据手册数值：美元/GPU·小时一列显示经济性工作表中的价格表（每行注明日期和来源）；请在那里修改价格。",
    "GPU":
        "GPU",
    "Vendor":
        "厂商",
    "Year":
        "年份",
    "BF16 (dense TFLOPS)":
        "BF16（稠密 TFLOPS）",
    "FP16 (dense TFLOPS)":
        "FP16（稠密 TFLOPS）",
    "FP8 (dense TFLOPS)":
        "FP8（稠密 TFLOPS）",
    "FP4 (dense TFLOPS)":
        "FP4（稠密 TFLOPS）",
    "INT8 (dense TOPS)":
        "INT8（稠密 TOPS）",
    "TF32 (dense TFLOPS)":
        "TF32（稠密 TFLOPS）",
    "FP32 (dense TFLOPS)":
        "FP32（稠密 TFLOPS）",
    "Memory (GB)":
        "显存（GB）",
    "Bandwidth (TB/s)":
        "带宽（TB/s）",
    "TDP (W)":
        "TDP（W）",
    "Sparsity factor (headline / dense)":
        "稀疏倍数（宣传值 ÷ 稠密值）",
    "Interconnect (GB/s)":
        "互联（GB/s）",
    "$/GPU-hour: price, from the Economics price table":
        "美元/GPU·小时：价格，取自经济性工作表的价格表",
    "Price source":
        "价格来源",
    "Empty because":
        "为何为空",
    "Confidence":
        "可信度",
    "Datasheet (source)":
        "数据手册（来源）",
    "Notes":
        "备注",
    "Multimodal: image and video tokens, and what training on them costs":
        "Multimodal：图像和视频词元，以及用它们训练的成本",
    "Inputs are yellow. Function cells show #NAME? until the add-in is on (see Start).":
        "黄色为输入。加载项启用前，函数单元格显示 #NAME?（见 Start）。",
    "Image tokens: an image cut into patch x patch squares (ViT)":
        "图像词元：图像切成 patch × patch 的方块（ViT）",
    "Image":
        "图像",
    "Height (px)":
        "高（像素）",
    "Width (px)":
        "宽（像素）",
    "Patch (px)":
        "块大小（像素）",
    "Tokens":
        "词元数",
    "English words (4/3 per word)":
        "英文单词数（每词 4/3 个词元）",
    "Out of range":
        "超出范围",
    "A positive number":
        "请输入正数",
    "BEiT / ViT-B/16 at 224 x 224 (seed rows 6-7)":
        "BEiT / ViT-B/16，224 × 224（原始报告第 6-7 行）",
    "Bao et al. 2022: 14 x 14 = 196 patches":
        "Bao 等 2022：14 × 14 = 196 块",
    "A 1024 x 768 image (seed row 8)":
        "一张 1024 × 768 的图像（原始报告第 8 行）",
    "64 x 48 patches":
        "64 × 48 块",
    "LLaVA-1.5, CLIP ViT-L/14 at 336 px":
        "LLaVA-1.5，CLIP ViT-L/14，336 像素",
    "Liu et al. 2023: 24 x 24 = 576 tokens":
        "Liu 等 2023：24 × 24 = 576 个词元",
    "4/3 tokens per word is English (OpenAI). Chinese runs about 0.6 tokens per character (DeepSeek); see TEXT_TOKENS on the Inference sheet.":
        "每词 4/3 个词元适用于英文（OpenAI）。中文约为每字 0.6 个词元（DeepSeek）；见 Inference 工作表的 TEXT_TOKENS。",
    "The seed's thought experiment: a 500B model trained on every image taken in 2022":
        "原始报告的思想实验：用 2022 年拍摄的全部图像训练一个 5000 亿参数模型",
    "Images taken in 2022":
        "2022 年拍摄的图像",
    "images":
        "张",
    "The seed report's estimate":
        "原始报告的估计",
    "Tokens per image":
        "每张图像的词元数",
    "The 1024 x 768 image above":
        "上面那张 1024 × 768 的图像",
    "Tokens in the dataset":
        "数据集词元数",
    "Seed row 9: 3.072E+14":
        "原始报告第 9 行：3.072E+14",
    "Model parameters":
        "模型参数量",
    "params":
        "参数",
    "Training compute":
        "训练算力",
    "Seed row 10: 6 x params x tokens":
        "原始报告第 10 行：6 × 参数量 × 词元数",
    "From the GPUs sheet":
        "来自 GPUs 工作表",
    "Precision":
        "精度",
    "MFU":
        "MFU",
    "The seed's 46.2% (PaLM's MFU on TPU v4)":
        "原始报告的 46.2%（PaLM 在 TPU v4 上的 MFU）",
    "Deadline":
        "期限",
    "One month, as the seed":
        "一个月，与原始报告相同",
    "Dense peak (GPUs sheet)":
        "稠密峰值（GPUs 工作表）",
    "TFLOPS":
        "TFLOPS",
    "What dense training can use":
        "稠密训练实际可用的算力",
    "Sparsity factor (GPUs sheet)":
        "稀疏倍数（GPUs 工作表）",
    "x":
        "倍",
    "Vendor headline with 2:4 sparsity":
        "厂商含 2:4 稀疏的宣传值",
    "The seed's 1,979 TFLOPS for H100":
        "原始报告中 H100 的 1,979 TFLOPS",
    "GPUs for the deadline, dense peak":
        "按期所需 GPU 数（稠密峰值）",
    "GPUs for the deadline, seed's sparse peak":
        "按期所需 GPU 数（原始报告的稀疏峰值）",
    "Seed row 11: 38.89万 = 388,900 (half the real need)":
        "原始报告第 11 行：38.89万 = 388,900（实际需求的一半）",
    "Vendors doing the same":
        "做同样事情的厂商数",
    "GPUs for all of them, seed's figure":
        "所有厂商所需 GPU 数（原始报告的数字）",
    "Seed row 12: 194.45万":
        "原始报告第 12 行：194.45万",
    "GPU-months at the dense peak":
        "稠密峰值下的 GPU·月",
    "GPU-months":
        "GPU·月",
    "GPU-days / DaysPerMonth":
        "GPU·天 ÷ DaysPerMonth",
    "Pick a GPU from the GPUs sheet":
        "请从 GPUs 工作表中选择 GPU",
    "Video tokens: MagicVideo-V2's stages (Wang et al. 2024), frames x patches per frame":
        "视频词元：MagicVideo-V2 的各阶段（Wang 等 2024），帧数 × 每帧块数",
    "MagicVideo-V2 stage":
        "MagicVideo-V2 阶段",
    "Frames":
        "帧数",
    "Frames per token":
        "每个词元的帧数",
    "Text-to-image keyframe":
        "文生图关键帧",
    "T2I module, 1024 x 1024":
        "T2I 模块，1024 × 1024",
    "Image-to-video keyframes":
        "图生视频关键帧",
    "I2V module: 32 frames at 600 x 600":
        "I2V 模块：32 帧，600 × 600",
    "Video-to-video super-resolution":
        "视频超分辨率",
    "V2V module: 1048 x 1048":
        "V2V 模块：1048 × 1048",
    "Frame interpolation":
        "插帧",
    "VFI module: 94 frames":
        "VFI 模块：94 帧",
    "All stages, one clip":
        "全部阶段，一个片段",
    "MagicVideo-V2 works in a VAE latent space, so its own sequences are shorter; these are the pixel-patch counts the seed's image method gives. The seed's text stops here without a number.":
        "MagicVideo-V2 在 VAE 潜空间中工作，其实际序列更短；这里是按原始报告的图像方法得到的像素块数。原始报告在此处没有给出数字。",
    "Training: compute, time, GPUs, cost and energy per scenario":
        "Training：各情景的算力、时间、GPU、成本和能耗",
    "Type in the yellow cells; a new scenario goes in the next empty yellow row (formulas, checks and the chart already cover it). Peak, TDP and price come from the GPUs sheet unless typed here. MoE models: use ACTIVE parameters.":
        "在黄色单元格中输入；新情景填在下一个空的黄色行（公式、校验和图表已覆盖该行）。峰值、TDP 和价格取自 GPUs 工作表，除非在此填写。MoE 模型：请用激活参数量。",
    "Scenario":
        "情景",
    "Params (active; 70B = 7E+10)":
        "参数量（激活；700 亿 = 7E+10）",
    "Training tokens":
        "训练词元数",
    "GPU (GPUs sheet)":
        "GPU（GPUs 工作表）",
    "MFU (blank = Default MFU)":
        "MFU（空 = 默认 MFU）",
    "GPUs training (count)":
        "训练 GPU 数（块）",
    "Deadline (days)":
        "期限（天）",
    "$/GPU-hour (blank = GPUs sheet)":
        "美元/GPU·小时（空 = GPUs 工作表）",
    "Peak override (TFLOPS; blank = GPUs sheet)":
        "峰值覆盖（TFLOPS；空 = GPUs 工作表）",
    "GPU row on the GPUs sheet":
        "GPU 在 GPUs 工作表中的行号",
    "Precision used (blank = DefaultPrecision)":
        "所用精度（空 = DefaultPrecision）",
    "Peak used (dense TFLOPS)":
        "所用峰值（稠密 TFLOPS）",
    "TDP used (W, GPUs sheet)":
        "所用 TDP（W，GPUs 工作表）",
    "MFU used":
        "所用 MFU",
    "$/GPU-hour used (blank = none on the GPUs sheet)":
        "所用美元/GPU·小时（空白 = GPUs 工作表无价格）",
    "Compute (FLOPs)":
        "算力（FLOPs）",
    "Wall-clock (days, on the GPUs)":
        "实际天数（在上述 GPU 上）",
    "GPUs for the deadline":
        "按期所需 GPU 数",
    "Cost (USD; #N/A = no price: type one in $/GPU-hour)":
        "成本（美元；#N/A = 无价格：请在美元/GPU·小时中输入）",
    "Energy (MWh; TDP x PUE; #N/A = no TDP on the GPUs sheet)":
        "能耗（MWh；TDP × PUE；#N/A = GPUs 工作表无 TDP）",
    "Notes and sources":
        "备注与来源",
    "GPT-3 175B (seed)":
        "GPT-3 1750 亿（原始报告）",
    "500B on all 2022 images (seed, dense H100)":
        "5000 亿参数模型训练 2022 年全部图像（原始报告，H100 稠密）",
    "Same, at the seed's 1,979 TFLOPS (sparse)":
        "同上，按原始报告的 1,979 TFLOPS（稀疏）",
    "The seed's row 11: 1,979 TFLOPS is NVIDIA's headline WITH 2:4 structured sparsity (dense 989.5 x sparsity factor 2). Dense training does not get it; shown for comparison.":
        "原始报告第 11 行：1,979 TFLOPS 是 NVIDIA 含 2:4 结构化稀疏的宣传值（稠密 989.5 × 稀疏倍数 2）。稠密训练达不到；列出以供比较。",
    "Chinchilla-optimal 70B":
        "Chinchilla 最优 700 亿",
    "Tokens = CHINCHILLA_TOKENS: 20 per parameter (Hoffmann et al. 2022). MFU blank: uses DefaultMFU (Start sheet). Price from the GPUs sheet.":
        "词元数 = CHINCHILLA_TOKENS：每个参数 20 个（Hoffmann 等 2022）。MFU 留空：采用 DefaultMFU（Start 工作表）。价格取自 GPUs 工作表。",
    "DeepSeek-V3 (MoE, 37B active of 671B)":
        "DeepSeek-V3（MoE，6710 亿中激活 370 亿）",
    "Pick a GPU from the GPUs sheet (add new ones there)":
        "请从 GPUs 工作表中选择 GPU（新 GPU 请在那里添加）",
    "Pick a precision: bf16, fp16, fp8, fp4, int8, tf32, fp32":
        "请选择精度：bf16、fp16、fp8、fp4、int8、tf32、fp32",
    "MFU is a fraction: type 0.4 or 40% for 40%":
        "MFU 是比例：40% 请输入 0.4 或 40%",
    "Params is the count itself: for 70B type 7E+10 (below 1E+6 is not a model size)":
        "参数量填写数量本身：700 亿请输入 7E+10（小于 1E+6 不是模型规模）",
    "Tokens is the count itself: for 300B type 3E+11 (below 1E+6 is not a training run)":
        "词元数填写数量本身：3000 亿请输入 3E+11（小于 1E+6 不是一次训练）",
    "GPUs is a whole number such as 1024":
        "GPU 数为整数，如 1024",
    "Must be a positive number":
        "必须是正数",
    "One GPU's price in dollars, 100 to 1,000,000: for $27.5k type 27500":
        "单个 GPU 的价格（美元），100 至 1,000,000：2.75 万美元请输入 27500",
    "One GPU-hour's price in dollars, 0.01 to 100: for 250 cents type 2.5":
        "每 GPU·小时的价格（美元），0.01 至 100：250 美分请输入 2.5",
    "Electricity in $/kWh, 0.005 to 2: for 80 $/MWh type 0.08":
        "电价（美元/千瓦时），0.005 至 2：80 美元/兆瓦时请输入 0.08",
    "Years, 1 to 10: for 48 months type 4":
        "年数，1 至 10：48 个月请输入 4",
    "GPU-days by scenario (log scale)":
        "各情景的 GPU·天（对数刻度）",
    "Inputs are yellow. Function cells show #NAME? until the add-in is on (see Start). Memory and bandwidth come from the add-in's built-in catalog by GPU name; peaks from the GPUs sheet.":
        "黄色为输入。加载项启用前，函数单元格显示 #NAME?（见 Start）。显存和带宽按 GPU 名称取自加载项内置目录；峰值取自 GPUs 工作表。",
    "One request: the seed's GPT-3 answer (20-token prompt, 300-token answer)":
        "单次请求：原始报告的 GPT-3 回答（20 词元提示，300 词元回答）",
    "Parameters":
        "参数量",
    "GPT-3 175B (Brown et al. 2020)":
        "GPT-3 1750 亿（Brown 等 2020）",
    "Prompt tokens":
        "提示词元数",
    "Answer tokens":
        "回答词元数",
    "From the GPUs sheet (dropdown)":
        "来自 GPUs 工作表（下拉列表）",
    "Peak used for compute-bound parts":
        "计算受限部分所用的峰值",
    "The seed's 46.2%; blank: DefaultMFU (Start sheet)":
        "原始报告的 46.2%；留空则取 DefaultMFU（开始页）",
    "Batch (requests decoded together)":
        "批大小（同时解码的请求数）",
    "requests":
        "个请求",
    "Bytes per parameter":
        "每个参数的字节数",
    "bytes":
        "字节",
    "2 = FP16/BF16":
        "2 = FP16/BF16",
    "GPUs in tensor parallel":
        "张量并行的 GPU 数",
    "350 GB of weights need several A100s":
        "350 GB 权重需要多块 A100",
    "Layers":
        "层数",
    "GPT-3: 96 layers, 96 heads of 128":
        "GPT-3：96 层，96 个 128 维注意力头",
    "KV heads":
        "KV 头数",
    "Head dimension":
        "头维度",
    "Context held (prompt + answer)":
        "上下文长度（提示 + 回答）",
    "Compute for the request":
        "该请求的算力",
    "Seed row 4: 2 x params x tokens = 1.12E+14":
        "原始报告第 4 行：2 × 参数量 × 词元数 = 1.12E+14",
    "KV cache for the request":
        "该请求的 KV 缓存",
    "Seed's method: compute-bound, one GPU":
        "原始报告的方法：计算受限，单块 GPU",
    "Seed row 5: 0.78 s":
        "原始报告第 5 行：0.78 秒",
    "Roofline: one decode step":
        "屋顶线模型：一个解码步",
    "max(bytes read / bandwidth, FLOPs / peak), on the tensor-parallel GPUs":
        "max(读取字节 ÷ 带宽, FLOPs ÷ 峰值)，在张量并行的 GPU 上",
    "Roofline: whole answer":
        "屋顶线模型：完整回答",
    "Prefill (compute-bound) + one decode step per answer token. The Seed check and README say 8.05 s: the same call without the KV cache (reading its 1.5 GB each step: 8.087 s vs 8.053 s)":
        "预填充（计算受限）+ 每个回答词元一个解码步。Seed check 和 README 给出 8.05 秒：同一调用但不计 KV 缓存（每步读取其 1.5 GB：8.087 秒对 8.053 秒）",
    "Roofline / seed":
        "屋顶线 ÷ 原始报告",
    "Why the two times differ about tenfold: the seed divides the request's FLOPs by the GPU's peak, as if it multiplied all the time. But an answer is generated one token at a time, and each step first reads every weight from memory (GPT-3's FP16 weights are 350 GB, more than four 80 GB A100s hold). At batch 1 a step waits on memory bandwidth, not arithmetic, so the roofline time per token is weights / bandwidth. The compute-bound figure is a floor reached only when many requests share each weight read (large batch).":
        "两个时间为何相差约十倍：原始报告用请求的 FLOPs 除以 GPU 峰值，仿佛 GPU 一直在做乘法。但回答是逐个词元生成的，每一步都要先从显存读取全部权重（GPT-3 的 FP16 权重为 350 GB，超过四块 80 GB A100 的容量）。批大小为 1 时，每一步等待的是显存带宽而不是运算，因此屋顶线模型下每个词元的时间是 权重 ÷ 带宽。计算受限的数字是一个下限，只有许多请求共享每次权重读取（大批量）时才能达到。",
    "Memory: does the model fit?":
        "显存：模型放得下吗？",
    "Weights":
        "权重",
    "Weights + KV cache":
        "权重 + KV 缓存",
    "GPUs to hold it":
        "容纳所需 GPU 数",
    "Memory per GPU from the catalog x UsableMemory":
        "目录中每块 GPU 的显存 × UsableMemory",
    "Training memory (weights, gradients, Adam)":
        "训练显存（权重、梯度、Adam）",
    "16 bytes per parameter (ZeRO), activations excluded":
        "每个参数 16 字节（ZeRO），不含激活值",
    "GPUs to hold the training state":
        "容纳训练状态所需 GPU 数",
    "Serving: GPUs for a daily load (Llama 3.1 70B chat service)":
        "服务：满足日负载所需 GPU（Llama 3.1 70B 聊天服务）",
    "Requests per day":
        "每日请求数",
    "Prompt tokens per request":
        "每请求提示词元数",
    "Answer tokens per request":
        "每请求回答词元数",
    "GPUs per replica (tensor parallel)":
        "每副本 GPU 数（张量并行）",
    "Batch per replica":
        "每副本批大小",
    "Average load":
        "平均负载",
    "Share of the day a replica runs at full batch (traffic peaks, idle nights)":
        "副本以满批运行的时间占全天的比例（流量高峰、夜间空闲）",
    "Context per request":
        "每请求上下文长度",
    "KV cache of a full batch":
        "满批的 KV 缓存",
    "GPUs a replica needs for memory":
        "副本因显存所需的 GPU 数",
    "Must not exceed GPUs per replica":
        "不得超过每副本 GPU 数",
    "Replica throughput":
        "副本吞吐量",
    "Roofline decode, all sequences":
        "屋顶线解码，全部序列",
    "Answer tokens per day":
        "每日回答词元数",
    "Answer tokens per replica per day":
        "每副本每日回答词元数",
    "replicas":
        "个副本",
    "GPUs needed":
        "所需 GPU 数",
    "Chinese characters in the context":
        "上下文中的汉字数",
    "characters":
        "字",
    "Tokens per character":
        "每字词元数",
    "\"zh_char\" = 0.6 (DeepSeek); Moonshot: 1.5-2 characters per token, type 0.5 or 0.67; Kimi: 2M characters ~ 1M tokens":
        "\"zh_char\" = 0.6（DeepSeek）；月之暗面：每词元 1.5-2 个字，可输入 0.5 或 0.67；Kimi：200 万字约 100 万词元",
    "Sequences at once":
        "同时处理的序列数",
    "Tokens in the context":
        "上下文词元数",
    "KV cache":
        "KV 缓存",
    "GPUs to hold weights + cache":
        "容纳权重 + 缓存所需 GPU 数",
    "Compute with attention":
        "含注意力的算力",
    "With attention / without":
        "含注意力 ÷ 不含",
    "Then each answer token":
        "之后每个回答词元",
    "Seed check: the seed report's figures, recomputed by the workbook":
        "Seed check：由本工作簿重新计算原始报告的数字",
    "The seed: a 2024 Chinese industry report on large-model compute demand. 万 = 10,000 (38.89万 = 388,900). Workbook values show #NAME? until the add-in is on (see Start).":
        "原始报告：2024 年一份关于大模型算力需求的中文行业报告。万 = 10,000（38.89万 = 388,900）。加载项启用前，工作簿数值显示 #NAME?（见 Start）。",
    "#":
        "#",
    "What the report computes":
        "报告计算的内容",
    "Argument 1":
        "参数 1",
    "Argument 2":
        "参数 2",
    "Argument 3":
        "参数 3",
    "Argument 4":
        "参数 4",
    "Argument 5":
        "参数 5",
    "Argument 6":
        "参数 6",
    "Argument 7":
        "参数 7",
    "Scale":
        "倍数",
    "Report prints":
        "报告印刷值",
    "Report's value":
        "报告数值",
    "Workbook value":
        "工作簿数值",
    "Workbook - report":
        "工作簿 − 报告",
    "Difference (%)":
        "差异（%）",
    "1":
        "1",
    "GPT-3 training compute":
        "GPT-3 训练算力",
    "2":
        "2",
    "A100-days to train GPT-3":
        "训练 GPT-3 所需 A100·天",
    "2 (peak typed)":
        "2（直接输入峰值）",
    "A100-days, the A100 given as 312 TFLOPS":
        "A100·天，A100 以 312 TFLOPS 给出",
    "3":
        "3",
    "Days on 1,000 A100s":
        "在 1,000 块 A100 上的天数",
    "4":
        "4",
    "One GPT-3 answer (20 + 300 tokens)":
        "一次 GPT-3 回答（20 + 300 词元）",
    "5":
        "5",
    "Seconds for that answer on one A100":
        "该回答在单块 A100 上的秒数",
    "a compute floor: decode is bandwidth-bound; RESPONSE_SECONDS on 8 A100s gives ~8 s":
        "是算力下限：解码受带宽限制；RESPONSE_SECONDS 在 8 块 A100 上约为 8 秒",
    "6":
        "6",
    "Tokens in a 224x224 image (BEiT)":
        "一张 224×224 图像的词元数（BEiT）",
    "7":
        "7",
    "Words that 196 tokens equal":
        "196 个词元相当的单词数",
    "4/3 tokens per word holds for English only; Chinese is ~0.6 tokens per character":
        "每词 4/3 个词元只适用于英文；中文约为每字 0.6 个词元",
    "8":
        "8",
    "Tokens in a 1024x768 image":
        "一张 1024×768 图像的词元数",
    "9":
        "9",
    "Tokens in all images of 2022 (1e11 images)":
        "2022 年全部图像的词元数（1e11 张）",
    "10":
        "10",
    "Compute to train a 500B model on them":
        "用它们训练 5000 亿参数模型的算力",
    "11":
        "11",
    "H100s to do it in 30 days":
        "30 天内完成所需 H100 数",
    "1979 TFLOPS is H100's with-sparsity headline; the dense 989.5 needs 777,768 GPUs":
        "1979 TFLOPS 是 H100 含稀疏的宣传值；按稠密 989.5 需要 777,768 块 GPU",
    "12":
        "12",
    "Five vendors doing the same":
        "五家厂商做同样的事",
    "11 corrected":
        "11 更正",
    "H100s in 30 days at the DENSE peak":
        "按稠密峰值 30 天所需 H100 数",
    "5 corrected":
        "5 更正",
    "The same answer with the decode roofline, 8 A100s":
        "同一回答按解码屋顶线模型，8 块 A100",
    "Published runs the Training sheet reproduces":
        "Training 工作表复现的已发表训练",
    "DeepSeek-V3: H800 GPU-hours":
        "DeepSeek-V3：H800 GPU·小时",
    "2,788,000":
        "2,788,000",
    "DeepSeek-V3 technical report (arXiv 2412.19437), Table 1: 2.788M H800 GPU-hours in total":
        "DeepSeek-V3 技术报告（arXiv 2412.19437）表 1：共 278.8 万 H800 GPU·小时",
    "DeepSeek-V3: cost at $2/GPU-hour":
        "DeepSeek-V3：按 2 美元/GPU·小时的成本",
    "5,576,000":
        "5,576,000",
    "Same table: $5.576M (rental assumption; excludes research and ablations)":
        "同一表格：557.6 万美元（租用假设；不含研究与消融实验）",
    "Where the report is wrong or incomplete:":
        "报告的错误或不完整之处：",
    "Row 11 uses a WITH-SPARSITY peak: 1,979 TFLOPS is NVIDIA's H100 SXM FP16 headline with 2:4 structured sparsity; dense training gets 989.5, so the real need is 777,768 H100s, twice":
        "第 11 行使用了含稀疏的峰值：1,979 TFLOPS 是 NVIDIA H100 SXM 含 2:4 结构化稀疏的 FP16 宣传值；稠密训练只有 989.5，因此实际需要 777,768 块 H100，",
    "the report's. Its A100 figure (312) is dense, so the report mixes the two.":
        "是报告数字的两倍。而其 A100 数字（312）是稠密值，报告混用了两者。",
    "Row 5 is a compute floor nobody reaches at batch 1: decoding reads all 350 GB of weights per token, which do not even fit on one A100; on 8 A100s the roofline gives about 8 s for":
        "第 5 行是批大小为 1 时无人能达到的算力下限：解码每个词元都要读取全部 350 GB 权重，单块 A100 甚至放不下；在 8 块 A100 上，屋顶线模型给出",
    "the 300 tokens, not 0.78 s.":
        "300 个词元约需 8 秒，而不是 0.78 秒。",
    "46.2% is PaLM 540B's reported MFU on TPU v4 (Chowdhery et al. 2022), not an A100 measurement.":
        "46.2% 是 PaLM 540B 在 TPU v4 上报告的 MFU（Chowdhery 等 2022），不是 A100 的实测值。",
    "4/3 tokens per word is English. For Chinese, vendors publish about 0.6 tokens per character (DeepSeek) or 1.5-2 characters per token (Moonshot/Kimi).":
        "每词 4/3 个词元是英文的比例。中文方面，厂商公布的约为每字 0.6 个词元（DeepSeek）或每词元 1.5-2 个字（月之暗面/Kimi）。",
    "The report's video section (MagicVideo-V2) stops before computing anything; the Multimodal sheet carries it through with VIDEO_TOKENS.":
        "报告的视频部分（MagicVideo-V2）在计算之前就停止了；Multimodal 工作表用 VIDEO_TOKENS 把它算完。",
    "Sources: papers, datasheets, prices and assumptions":
        "Sources：论文、数据手册、价格和假设",
    "Links were checked when the catalog was compiled; prices are dated assumptions.":
        "链接在编制目录时核对过；价格是注明日期的假设。",
    "Figures of {gpu}":
        "{gpu} 的数值",
    "${price} per GPU-hour":
        "每 GPU·小时 {price} 美元",
    "Papers and documentation":
        "论文与文档",
    "Topic":
        "主题",
    "Source":
        "来源",
    "Link":
        "链接",
    "Used for":
        "用途",
    "Kaplan et al. 2020, Scaling Laws for Neural Language Models, section 2.1":
        "Kaplan 等 2020，Scaling Laws for Neural Language Models，第 2.1 节",
    "TRAIN_FLOPS = 6 x params x tokens; INFER_FLOPS = 2 x params per token":
        "TRAIN_FLOPS = 6 × 参数量 × 词元数；INFER_FLOPS = 每词元 2 × 参数量",
    "Compute-optimal tokens":
        "算力最优词元数",
    "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models (Chinchilla)":
        "Hoffmann 等 2022，Training Compute-Optimal Large Language Models（Chinchilla）",
    "CHINCHILLA_TOKENS: about 20 tokens per parameter":
        "CHINCHILLA_TOKENS：每个参数约 20 个词元",
    "MFU; attention FLOPs":
        "MFU；注意力 FLOPs",
    "Chowdhery et al. 2022, PaLM: Scaling Language Modeling with Pathways, appendix B":
        "Chowdhery 等 2022，PaLM: Scaling Language Modeling with Pathways，附录 B",
    "Model FLOPs utilization; PaLM 540B's 46.2% (the seed's figure)":
        "模型算力利用率；PaLM 540B 的 46.2%（原始报告的数字）",
    "GPT-3":
        "GPT-3",
    "Brown et al. 2020, Language Models are Few-Shot Learners, table 2.1":
        "Brown 等 2020，Language Models are Few-Shot Learners，表 2.1",
    "175B parameters, 300B tokens, 96 layers x 96 heads x 128":
        "1750 亿参数，3000 亿词元，96 层 × 96 头 × 128",
    "DeepSeek-V3":
        "DeepSeek-V3",
    "DeepSeek-AI 2024, DeepSeek-V3 Technical Report, table 1":
        "DeepSeek-AI 2024，DeepSeek-V3 Technical Report，表 1",
    "37B active of 671B, 14.8T tokens, 2.788M H800 GPU-hours, $2/GPU-hour":
        "6710 亿中激活 370 亿，14.8 万亿词元，278.8 万 H800 GPU·小时，2 美元/GPU·小时",
    "Llama 3":
        "Llama 3",
    "Llama Team, Meta 2024, The Llama 3 Herd of Models":
        "Llama Team，Meta 2024，The Llama 3 Herd of Models",
    "70B shape (80 layers, 8 KV heads of 128); MFU 38-43% at 405B":
        "70B 结构（80 层，8 个 128 维 KV 头）；405B 的 MFU 为 38-43%",
    "Training memory":
        "训练显存",
    "Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models, section 3.1":
        "Rajbhandari 等 2020，ZeRO: Memory Optimizations Toward Training Trillion Parameter Models，第 3.1 节",
    "TRAIN_MEMORY_GB: 16 bytes per parameter with Adam":
        "TRAIN_MEMORY_GB：使用 Adam 时每个参数 16 字节",
    "Decode roofline":
        "解码屋顶线",
    "Pope et al. 2022, Efficiently Scaling Transformer Inference":
        "Pope 等 2022，Efficiently Scaling Transformer Inference",
    "DECODE_MS, RESPONSE_SECONDS, TOKENS_PER_SECOND":
        "DECODE_MS、RESPONSE_SECONDS、TOKENS_PER_SECOND",
    "Roofline model":
        "屋顶线模型",
    "Williams, Waterman and Patterson 2009, Roofline: an insightful visual performance model":
        "Williams、Waterman 和 Patterson 2009，Roofline: an insightful visual performance model",
    "Time = max(bytes / bandwidth, FLOPs / peak)":
        "时间 = max(字节 ÷ 带宽, FLOPs ÷ 峰值)",
    "Ainslie et al. 2023, GQA: Training Generalized Multi-Query Transformer Models":
        "Ainslie 等 2023，GQA: Training Generalized Multi-Query Transformer Models",
    "KV_CACHE_GB with fewer key/value heads than query heads":
        "KV_CACHE_GB：键/值头少于查询头时",
    "Image tokens":
        "图像词元",
    "Dosovitskiy et al. 2021, An Image is Worth 16x16 Words (ViT)":
        "Dosovitskiy 等 2021，An Image is Worth 16x16 Words（ViT）",
    "IMAGE_TOKENS: one token per patch":
        "IMAGE_TOKENS：每块一个词元",
    "Bao et al. 2022, BEiT: BERT Pre-Training of Image Transformers":
        "Bao 等 2022，BEiT: BERT Pre-Training of Image Transformers",
    "224 x 224 in 16 x 16 patches = 196 tokens (seed row 6)":
        "224 × 224 切成 16 × 16 的块 = 196 个词元（原始报告第 6 行）",
    "Liu et al. 2023, Improved Baselines with Visual Instruction Tuning (LLaVA-1.5)":
        "Liu 等 2023，Improved Baselines with Visual Instruction Tuning（LLaVA-1.5）",
    "336 px through CLIP ViT-L/14: 576 tokens":
        "336 像素经 CLIP ViT-L/14：576 个词元",
    "Video tokens":
        "视频词元",
    "Arnab et al. 2021, ViViT: A Video Vision Transformer":
        "Arnab 等 2021，ViViT: A Video Vision Transformer",
    "VIDEO_TOKENS' temporal patches (tubelets)":
        "VIDEO_TOKENS 的时间块（tubelet）",
    "Video generation":
        "视频生成",
    "Wang et al. 2024, MagicVideo-V2: Multi-Stage High-Aesthetic Video Generation":
        "Wang 等 2024，MagicVideo-V2: Multi-Stage High-Aesthetic Video Generation",
    "The stages on the Multimodal sheet":
        "Multimodal 工作表中的各阶段",
    "MFU of real runs":
        "实际训练的 MFU",
    "Epoch AI, data on notable AI models (hardware utilization)":
        "Epoch AI，知名 AI 模型数据（硬件利用率）",
    "DefaultMFU 0.40 (median of known runs about 0.375)":
        "DefaultMFU 0.40（已知训练的中位数约 0.375）",
    "Tokens per word":
        "每词词元数",
    "OpenAI Help Center, What are tokens and how to count them?":
        "OpenAI 帮助中心，What are tokens and how to count them?",
    "1 token ~ 0.75 English words (TOKENS_TO_WORDS, TEXT_TOKENS)":
        "1 个词元约 0.75 个英文单词（TOKENS_TO_WORDS、TEXT_TOKENS）",
    "DeepSeek API docs, Token & Token Usage":
        "DeepSeek API 文档，Token & Token Usage",
    "0.3 tokens per English character, 0.6 per Chinese":
        "每个英文字符 0.3 个词元，每个汉字 0.6 个",
    "Moonshot AI (Kimi) platform docs":
        "月之暗面（Kimi）开放平台文档",
    "1 token ~ 1.5-2 Chinese characters":
        "1 个词元约 1.5-2 个汉字",
    "Kimi 2M characters":
        "Kimi 200 万字",
    "Kimi long-context announcement, March 2024 (secondary report)":
        "Kimi 长上下文发布，2024 年 3 月（二手报道）",
    "2,000,000 Chinese characters ~ 1M tokens":
        "2,000,000 个汉字约 100 万词元",
    "The seed":
        "原始报告",
    "A 2024 Chinese industry report on large-model compute demand (the project's seed)":
        "2024 年一份关于大模型算力需求的中文行业报告（本项目的起点）",
    "The worked figures on the Seed check sheet":
        "Seed check 工作表中的算例",
    "Datasheets (one per GPU on the GPUs sheet)":
        "数据手册（GPUs 工作表中每块 GPU 一份）",
    "Datasheet":
        "数据手册",
    "Prices ($/GPU-hour assumptions on the GPUs sheet)":
        "价格（GPUs 工作表中的美元/GPU·小时假设）",
    "Price":
        "价格",
    "Assumptions (defined names on the Start sheet)":
        "假设（Start 工作表中的定义名称）",
    "Assumption":
        "假设",
    "This is the hand-off copy: every result is a native Excel formula (no add-in, no macros, no Python), so it opens and recalculates in Excel on any platform, LibreOffice, Gnumeric and Google Sheets. Yellow cells are inputs; white cells are locked formulas you can read step by step.":
        "这是交接副本：每个结果都是原生 Excel 公式（无需加载项、宏或 Python），因此可在任何平台的 Excel、LibreOffice、Gnumeric 和 Google 表格中打开并重新计算。黄色单元格是输入；白色单元格是锁定的公式，可逐步查看。",
    "How to use this copy (no add-in needed)":
        "如何使用本副本（无需加载项）",
    "1. Change an assumption below (yellow): every formula that names it (DefaultMFU, PUE, BwEfficiency...) recalculates.":
        "1. 修改下方的假设（黄色）：所有引用它的公式（DefaultMFU、PUE、BwEfficiency……）都会重新计算。",
    "2. GPUs sheet: edit a datasheet figure or price (every sheet looks figures up there by GPU name), or add a GPU in the first empty row below the table: Training, Inference and Economics find it by its name.":
        "2. GPUs 工作表：修改数据手册数值或价格（各工作表都按 GPU 名称在那里查找数值），或在表格下方第一个空行添加 GPU：Training、Inference 和 Economics 按名称找到它。",
    "3. Training sheet: type a new scenario in the next empty yellow row; its formulas, checks and the chart are already in place. Blank MFU, precision or price mean the defaults named on this sheet.":
        "3. Training 工作表：在下一个空的黄色行输入新情景；公式、校验和图表都已就绪。MFU、精度或价格留空即采用本工作表中命名的默认值。",
    "4. Each result's formula is short native arithmetic on labelled cells: Training's helper columns show the GPU row, peak, TDP, MFU and price used, and the Workings sheet holds every other quantity a formula uses (a GPU's row, the peak and memory used, a decode step's time...), one labelled cell each. The Sources sheet gives the paper or datasheet behind each figure.":
        "4. 每个结果的公式都是基于带标签单元格的简短原生算术：Training 的辅助列显示所用的 GPU 行号、峰值、TDP、MFU 和价格，Workings 工作表则存放公式用到的其他每个量（GPU 所在行、所用峰值和显存、一步解码的时间……），每个量一个带标签的单元格。Sources 工作表给出每个数值背后的论文或数据手册。",
    "The workbook was written by flopsheet; its Python add-in version (flopsheet.xlsm) computes the same figures with functions such as GPU_DAYS, listed below for reference.":
        "本工作簿由 flopsheet 生成；其 Python 加载项版本（flopsheet.xlsm）用 GPU_DAYS 等函数计算相同的数值，下面列出以供参考。",
    "Every figure the workbook uses comes from this sheet: peaks, memory, bandwidth, TDP and prices are looked up by GPU name, so an edit here changes every result on recalculation, and a GPU added below the table is found by every sheet. Prices are not datasheet figures: the $/GPU-hour column shows the Economics sheet's price table (date and source per row); edit prices there.":
        "工作簿用到的每个数值都来自本工作表：峰值、显存、带宽、TDP 和价格都按 GPU 名称查找，因此在此修改会在重新计算时改变所有结果，在表格下方新添加的 GPU 也能被每个工作表找到。价格不是数据手册数值：美元/GPU·小时一列显示经济性工作表中的价格表（每行注明日期和来源）；请在那里修改价格。",
    "Inputs are yellow. Every formula is native Excel and recalculates in any spreadsheet.":
        "黄色为输入。所有公式都是原生 Excel 公式，在任何电子表格软件中都能重新计算。",
    "Inputs are yellow. Every formula is native Excel; peaks, memory and bandwidth are looked up on the GPUs sheet by GPU name, so edits there flow through.":
        "黄色为输入。所有公式都是原生 Excel 公式；峰值、显存和带宽按 GPU 名称在 GPUs 工作表中查找，在那里修改即可生效。",
    "The seed: a 2024 Chinese industry report on large-model compute demand. 万 = 10,000 (38.89万 = 388,900). Workbook values are native formulas on the argument cells; edit an argument to see the effect.":
        "原始报告：2024 年一份关于大模型算力需求的中文行业报告。万 = 10,000（38.89万 = 388,900）。工作簿数值是基于参数单元格的原生公式；修改参数即可看到效果。",
    "Productive share of wall-clock time when a scenario leaves it blank":
        "情景未填写时采用的有效时间比例（goodput，实际时间中用于有效训练的份额）",
    "Llama 3.1 405B: 0.346 whole-run utilisation (3.8e25 FLOPs in 30.84M H100-hours) over its ~0.40 MFU; PaLM and BLOOM ~0.65 (flopsheet engine/training.py)":
        "Llama 3.1 405B：全程利用率 0.346（3084 万 H100·小时完成 3.8e25 FLOPs），除以其约 0.40 的 MFU；PaLM 和 BLOOM 约 0.65（flopsheet engine/training.py）",
    "Training compute in FLOPs: 6 x params x tokens, plus attention if layers, d_model and seq_len are given; a model name gives its active parameters and published tokens.":
        "训练算力（FLOPs）：6 × 参数量 × 词元数；若给出 layers、d_model 和 seq_len，再加上注意力部分；给出模型名称时采用其激活参数量和已公布的词元数。",
    "Whole-run utilisation of a published run: flops / (gpu_hours x 3600 x the GPU's dense peak) = MFU x goodput.":
        "已发表训练的全程利用率：flops ÷ (gpu_hours × 3600 × GPU 稠密峰值) = MFU × goodput。",
    "FLOPs to answer one request: 2 x params per token, plus causal attention if layers and d_model are given (or params names a catalog model: its layers and heads x head_dim).":
        "回答一次请求的 FLOPs：每个词元 2 × 参数量；若给出 layers 和 d_model（或 params 为目录中的模型名称：取其层数和头数 × 头维度），再加上因果注意力部分。",
    "Seconds to the first token: prefill of the prompt, compute (with causal attention for a model name) or reading the weights once, whichever is slower, plus tensor-parallel all-reduces.":
        "首个词元的等待秒数：提示词预填充，取计算（模型名称时含因果注意力）与读取一遍权重中较慢者，再加上张量并行的 all-reduce。",
    "GPUs to serve a daily load at its peak hour, counting prefill and decode, at the largest batch that keeps each token under latency_ms and fits in memory.":
        "在高峰时段承载日负载所需的 GPU 数，计入预填充和解码，批大小取使每个词元低于 latency_ms 且放得进显存的最大值。",
    "Memory of the weights in GB (1e9 bytes); a model name counts all its weights (every expert).":
        "权重占用的显存（GB，1e9 字节）；给出模型名称时计入全部权重（所有专家）。",
    "KV cache in GB: 2 x layers x kv_heads x head_dim x bytes x context_tokens x batch / 1e9, or a catalog model's own cache: KV_CACHE_GB(model, context_tokens, [batch], [bytes_per_value], [gpus]).":
        "KV 缓存（GB）：2 × layers × kv_heads × head_dim × 字节数 × context_tokens × batch ÷ 1e9，或目录中模型自身的缓存：KV_CACHE_GB(model, context_tokens, [batch], [bytes_per_value], [gpus])。",
    "One figure of a model from the catalog: total or active parameters, layers, heads, experts, training tokens, GPU-hours, or its source.":
        "目录中模型的一项数值：总参数量或激活参数量、层数、头数、专家数、训练词元数、GPU·小时或来源。",
    "The model catalog's names as a column (spills).":
        "模型目录中的名称，按列返回（溢出）。",
    "What it would really take (goodput 1: the seed ignores downtime)":
        "实际所需（goodput 取 1：原始报告忽略停机时间）",
    "The helper columns right of the inputs show what each result uses (GPU row, precision, peak, TDP, MFU, goodput, price). A peak of 0 means the GPUs sheet has no dense figure for that precision. Energy = GPU-hours x TDP x PUE. Function cells show #NAME? until the add-in is on (see Start).":
        "输入右侧的辅助列显示每个结果所用的中间量（GPU 行号、精度、峰值、TDP、MFU、goodput、价格）。峰值为 0 表示 GPUs 工作表没有该精度的稠密数值。能耗 = GPU·小时 × TDP × PUE。加载项启用前，函数单元格显示 #NAME?（见 Start）。",
    "The helper columns right of the inputs show what each result uses (GPU row, precision, peak, TDP, MFU, goodput, price). A peak of 0 means the GPUs sheet has no dense figure for that precision. Energy = GPU-hours x TDP x PUE. Every formula is native Excel: it recalculates in Excel, LibreOffice, Gnumeric or Google Sheets.":
        "输入右侧的辅助列显示每个结果所用的中间量（GPU 行号、精度、峰值、TDP、MFU、goodput、价格）。峰值为 0 表示 GPUs 工作表没有该精度的稠密数值。能耗 = GPU·小时 × TDP × PUE。所有公式都是原生 Excel 公式：在 Excel、LibreOffice、Gnumeric 或 Google 表格中都能重新计算。",
    "Goodput (blank = Default goodput)":
        "goodput（空 = 默认 goodput）",
    "Goodput used":
        "所用 goodput",
    "Seed rows 1-3: 6 x 175B x 300B at 46.2% of A100's 312 TFLOPS. 46.2% is PaLM 540B's MFU on TPU v4 (Chowdhery et al. 2022), not an A100 measurement; GPT-3 itself trained on V100s. $2/GPU-hour: MosaicML's A100 rental assumption. Goodput 1: the seed ignores downtime.":
        "原始报告第 1-3 行：6 × 1750 亿 × 3000 亿，按 A100 的 312 TFLOPS 的 46.2% 计。46.2% 是 PaLM 540B 在 TPU v4 上的 MFU（Chowdhery 等 2022），不是 A100 的实测值；GPT-3 本身在 V100 上训练。2 美元/GPU·小时：MosaicML 的 A100 租用假设。goodput 取 1：原始报告忽略停机时间。",
    "Seed rows 9-11 at H100's DENSE fp16 peak (989.5 TFLOPS), the rate training can use: twice the seed's GPU count. Tokens come from the Multimodal sheet. Goodput 1, as the seed.":
        "原始报告第 9-11 行，按 H100 的稠密 fp16 峰值（989.5 TFLOPS），即训练实际可用的速率：所需 GPU 数是原始报告的两倍。词元数取自 Multimodal 工作表。goodput 取 1，与原始报告相同。",
    "Mixture-of-experts: use ACTIVE parameters. The report (arXiv 2412.19437) states 2.788M H800 GPU-hours, $5.576M at $2/GPU-hour; MFU 0.33 of the dense BF16 peak reproduces it (GEMMs ran in FP8). 0.33 is whole-run utilisation (IMPLIED_MFU), downtime included, so goodput is 1 here. Price: the report's $2/GPU-hour assumption (typed: it is not the default basis).":
        "混合专家模型：用激活参数量。报告（arXiv 2412.19437）给出 278.8 万 H800 GPU·小时，按 2 美元/GPU·小时计为 557.6 万美元；按稠密 BF16 峰值的 0.33 MFU 可复现（GEMM 以 FP8 运行）。0.33 是含停机时间的全程利用率（IMPLIED_MFU），因此这里 goodput 取 1。价格：报告假设的 2 美元/GPU·小时（直接填写：它不是默认价的口径）。",
    "Goodput is a fraction: type 0.85 or 85% for 85%":
        "goodput 是比例：85% 请输入 0.85 或 85%",
    # Economics sheet and the money functions (issue 14): finance vocabulary
    'Servers + network, x the GPUs':
        '服务器 + 网络，相对 GPU 价格的倍数',
    'Written off over':
        '折旧年限',
    'USD to buy a GPU cluster: GPUs x price per GPU x overhead for servers and network.':
        '购置一个 GPU 集群的资本支出（美元）：GPU 数 × 每块 GPU 价格 × 服务器与网络的附加系数。',
    'MW':
        '兆瓦',
    'MW at the wall for a fleet: GPUs x TDP x server factor (host CPUs, NICs, fans) x PUE.':
        '集群在电表处的功率（兆瓦）：GPU 数 × 热设计功耗（TDP）× 服务器系数（主机 CPU、网卡、风扇）× PUE。',
    'USD of electricity for mw megawatts over hours (default: a year, 8760 hours).':
        'mw 兆瓦在 hours 小时内的电费（美元；默认一年，即 8760 小时）。',
    'USD/GPU-hour':
        '美元/GPU·小时',
    "USD per useful GPU-hour of owning a GPU: capex share over years (with a capital charge), its server's energy and data-centre space, over utilization.":
        '自有一块 GPU 每个有效 GPU·小时的成本（美元）：按年限分摊的资本支出（含资本成本）、其服务器的电费与数据中心空间，再除以利用率。',
    "USD to train on owned GPUs: GPU-hours x (amortised hardware + energy per GPU-hour), Epoch AI's method.":
        '在自有 GPU 上训练的成本（美元）：GPU·小时 ×（每 GPU·小时的硬件摊销 + 电费），即 Epoch AI 的方法。',
    'USD/Mtok':
        '美元/百万词元',
    'Gross margin as a fraction of the price: (price - cost) / price; negative is a loss.':
        '毛利率，占价格的比例：（价格 − 成本）÷ 价格；为负表示亏损。',
    'A base with its low-high range as one line of text, e.g. "$9.8M (7.1M-14.2M)".':
        '把基准值及其低–高区间写成一行文本，例如 "$9.8M (7.1M-14.2M)"。',
    'Economics: buying, powering, training and serving, in USD with low-high ranges':
        '经济性：购置、供电、训练与服务的成本（美元），附低–高区间',
    "Base, low-cost and high-cost cases: each result is the same function on its column's inputs, so the range beside it brackets the base. Yellow cells are yours; blue cells are sourced prices (section 1).":
        '基准、低成本和高成本三种情形：每个结果都是同一个函数作用于本列的输入，因此旁边的区间总是包含基准值。黄色单元格由您填写；蓝色单元格是有来源的价格（第 1 节）。',
    '1. Prices in use (the price table: dated, primary source per row; estimates marked)':
        '1. 所用价格（价格表：每行注明日期和一手来源；估计值已标注）',
    'Base case':
        '基准情形',
    'Low-cost case':
        '低成本情形',
    'High-cost case':
        '高成本情形',
    'Base (low-high)':
        '基准（低–高）',
    'Source / note':
        '来源 / 说明',
    'purchase':
        '购置价',
    'ESTIMATE.':
        '估计值。',
    'USD/GPU':
        '美元/块 GPU',
    'rental on demand':
        '按需租用价',
    'rental default':
        '默认租用价',
    'rental spot':
        '竞价租用价',
    'rental reserved':
        '预留租用价',
    'rental assumption':
        '租用价假设',
    'Electricity':
        '电力',
    'electricity':
        '电价',
    'USD/kWh':
        '美元/千瓦时',
    'Blue cells are sourced figures: edit them when a provider changes its price, and change the date and source beside them. Purchase prices are press estimates (NVIDIA publishes none); rentals change often.':
        '蓝色单元格是有来源的数据：服务商调价时请修改，并同时修改旁边的日期和来源。购置价是媒体估计值（NVIDIA 不公布价格）；租用价变动频繁。',
    "2. The seed's fleet: {n} H100s (buy, power, run for a year)":
        '2. 种子报告中的集群：{n} 块 H100（购置、供电、运行一年）',
    'Fleet':
        '集群',
    "The seed report's 777,768 H100 SXM":
        '种子报告中的 777,768 块 H100 SXM',
    'Price per GPU':
        '每块 GPU 价格',
    'Price table: H100 SXM purchase (estimate; low-high from the source)':
        '价格表：H100 SXM 购置价（估计值；低–高取自来源）',
    ': servers 15-22%, interconnect 9-13% of hardware+energy; buildings not included':
        '：服务器占硬件加电力成本的 15–22%，互连占 9–13%；不含建筑',
    'multiple':
        '倍数',
    'Hyperscalers report 1.1-1.2; 1.4 an older site':
        '超大规模云厂商公布 1.1–1.2；1.4 为较老的机房',
    'Price table: EIA industrial tariffs, April 2025 (Iowa / East North Central / Massachusetts)':
        '价格表：美国能源信息署（EIA）工业电价，2025 年 4 月（艾奥瓦州 / 中东北部 / 马萨诸塞州）',
    'Capex: GPUs, servers, network':
        '资本支出：GPU、服务器、网络',
    'CLUSTER_CAPEX':
        'CLUSTER_CAPEX 函数',
    'Power at the wall':
        '电表处功率',
    'FLEET_POWER_MW: TDP x ServerFactor (1.82: DGX H100, 10.2 kW for 8 GPUs) x PUE':
        'FLEET_POWER_MW：TDP × ServerFactor 服务器系数（1.82：DGX H100，8 块 GPU 共 10.2 千瓦）× PUE',
    'Energy bill per year':
        '每年电费',
    'USD/year':
        '美元/年',
    'ENERGY_COST_USD: MW x 1000 x 8760 h x $/kWh':
        'ENERGY_COST_USD：兆瓦 × 1000 × 8760 小时 × 美元/千瓦时',
    "Straight line; Epoch AI's 0.14 orders of magnitude/year is {years} years":
        '直线折旧；Epoch AI 的每年 0.14 个数量级相当于 {years} 年',
    'years':
        '年',
    'Utilization (paid hours / all hours)':
        '利用率（计费小时 / 全部小时）',
    'Owning one GPU-hour (TCO)':
        '自有 GPU 每小时总拥有成本（TCO）',
    'GPU_TCO_PER_HOUR: capex with a capital charge (CostOfCapital) + energy + colocation (ColoUsdPerKwMonth), per useful hour; set beside the rentals above':
        'GPU_TCO_PER_HOUR：含资本成本的资本支出（CostOfCapital）+ 电费 + 托管费（ColoUsdPerKwMonth），按有效小时计；可与上方租用价对照',
    "3. Serving P&L: {name} (the Inference sheet's service)":
        '3. 服务损益：{name}（推理工作表中的服务）',
    'Llama 3.1 70B chat service':
        'Llama 3.1 70B 对话服务',
    'Serving':
        '服务',
    'GPU-hour price':
        'GPU·小时价格',
    "Base: the issue's $2.50 (type yours). Low: owning (TCO above). High: AWS Capacity Blocks":
        '基准：需求中的 2.50 美元（可改成您的价格）。低：自有（上方 TCO）。高：AWS Capacity Blocks',
    'Share of the day a replica decodes at full batch':
        '副本以满批量解码的时间占全天的比例',
    'API price, output tokens':
        'API 价格，输出词元',
    'Type the price you charge per million output tokens':
        '填写您对每百万输出词元收取的价格',
    'API price, input tokens':
        'API 价格，输入词元',
    '... and per million input (prompt) tokens':
        '……以及每百万输入（提示）词元的价格',
    'Hours per day':
        '每天小时数',
    'hours':
        '小时',
    'Tokens per million tokens':
        '百万词元所含词元数',
    "GPUs for the day's answers":
        '生成全天回答所需 GPU 数',
    'Replicas (decode-bound, rounded up) x GPUs per replica':
        '副本数（受解码限制，向上取整）× 每个副本的 GPU 数',
    'Cost per million output tokens':
        '每百万输出词元成本',
    'Cost per million input tokens':
        '每百万输入词元成本',
    'GPU cost per day':
        '每天 GPU 成本',
    'USD/day':
        '美元/天',
    'Every GPU of the fleet, paid all day':
        '集群中每块 GPU 全天计费',
    'Revenue per day':
        '每天收入',
    'Requests x tokens x your API prices (the same in every case)':
        '请求数 × 词元数 × 您的 API 价格（各情形相同）',
    'Gross margin':
        '毛利率',
    'of revenue':
        '占收入',
    'GROSS_MARGIN: (revenue - GPU cost) / revenue; the low-cost case has the highest margin':
        'GROSS_MARGIN：（收入 − GPU 成本）÷ 收入；低成本情形的毛利率最高',
    'Margin on output tokens':
        '输出词元毛利率',
    'of price':
        '占价格',
    'Price per output Mtok against its cost':
        '每百万输出词元的价格与其成本相比',
    "4. Training: rented GPU-hours vs owned hardware (amortised hardware + energy, Epoch AI's method)":
        '4. 训练：租用 GPU·小时与自有硬件对比（硬件摊销 + 电费，Epoch AI 的方法）',
    'Owned-hardware inputs':
        '自有硬件输入',
    'Purchase price per GPU (H100 SXM rows)':
        '每块 GPU 购置价（H100 SXM 各行）',
    "Section 2's price; no sourced purchase price for A100 or H800, so those rows stay blank":
        '第 2 节的价格；A100 和 H800 没有有来源的购置价，因此这些行留空',
    "MFU, x the scenario's":
        'MFU，相对情景值的倍数',
    "The low-cost case trains 25% more efficiently than the scenario's MFU, the high-cost 25% less":
        '低成本情形的训练效率比情景的 MFU 高 25%，高成本情形低 25%',
    'Scenario (Training sheet)':
        '情景（训练工作表）',
    'Rented (USD)':
        '租用（美元）',
    'Owned, amortised (USD)':
        '自有，摊销（美元）',
    'Owned, low-cost':
        '自有，低成本',
    'Owned, high-cost':
        '自有，高成本',
    'Owned: base (low-high)':
        '自有：基准（低–高）',
    'Basis':
        '依据',
    "TRAIN_COST (rented, Training sheet) vs the Training sheet's GPU-hours x GPU_TCO_PER_HOUR (owned: price, overhead, PUE, tariff and write-off of section 2)":
        'TRAIN_COST（租用，训练工作表）对比 训练工作表的 GPU·小时 × GPU_TCO_PER_HOUR（自有：第 2 节的价格、附加系数、PUE、电价和折旧年限）',
    "Owned cost counts every hour of the run at the write-off rate (Epoch AI: amortised capex + energy); renting also pays the provider's margin and idle capacity. The GPU-hours are the Training sheet's, with its peak, MFU and goodput.":
        '自有成本按折旧速率计算训练的每个小时（Epoch AI：资本支出摊销 + 电费）；租用还要支付服务商的利润和闲置产能。GPU·小时取自训练工作表，已计入其峰值、MFU 和有效产出率（goodput）。',
    "5. Sensitivity: rented training cost of '{name}' (USD) by MFU and GPU-hour price":
        '5. 敏感性分析：“{name}”的租用训练成本（美元），按 MFU 和 GPU·小时价格',
    'MFU (down) by price per GPU-hour (across)':
        'MFU（纵向）× 每 GPU·小时价格（横向）',
    'Prices: $1.50-$2.50 round figures, $2.90 the default (Spheron on-demand), $4.92 AWS Capacity Blocks (price table). Yellow MFU cells can be edited.':
        '价格：1.50–2.50 美元为整数参考值，2.90 美元为默认价（Spheron 按需价），4.92 美元为 AWS Capacity Blocks（价格表）。黄色 MFU 单元格可编辑。',
    'Training cost (USD) by MFU, one line per GPU-hour price':
        '训练成本（美元）随 MFU 变化，每条线对应一个 GPU·小时价格',
    "USD per million tokens served on the serving model (MoE, tensor parallel): output at DECODE_MS' step, input at TTFT_SECONDS' prefill, at a GPU-hour price and load.":
        '按服务模型（MoE、张量并行）计算的每百万词元成本（美元）：输出按 DECODE_MS 的解码步计算，输入按 TTFT_SECONDS 的预填充计算，基于 GPU·小时价格和负载。',
    'COST_PER_MTOK, decode roofline':
        'COST_PER_MTOK，解码屋顶线模型',
    'COST_PER_MTOK, compute-bound prefill':
        'COST_PER_MTOK，受算力限制的预填充',
    "Money: buying, powering, training and serving, in USD with low-high ranges; dated prices.":
        "资金：购买、供电、训练和服务的成本（美元），附高低区间；价格注明日期。",
    "What this copy is": "这份副本是什么",
    "Which file to use where (this one needs nothing)": "各文件的用途（本文件无需任何设置）",
    "This file (the hand-off copy): open it anywhere, Excel on any platform, LibreOffice, Gnumeric or Google Sheets; its formulas are native and recalculate there.":
        "本文件（交接副本）：可在任何平台的 Excel、LibreOffice、Gnumeric 或 Google Sheets 中打开；其公式均为原生公式，可在其中重新计算。",
    "flopsheet.xlsm, the template, computes the same figures with flopsheet's functions (=GPU_DAYS(...)) for whoever maintains the model; this copy does not need it.":
        "模板 flopsheet.xlsm 用 flopsheet 的函数（=GPU_DAYS(...)）计算相同的数字，供维护模型的人使用；本副本不需要它。",
    "5. Printing: every sheet prints on A4, fitted to the page width, its table's header on each page. The Workings sheet prints only its heading; to print its every quantity, clear its print area (Page Layout > Print Area > Clear Print Area).":
        "5. 打印：每个工作表按 A4 打印，缩放至页宽，表头在每页重复。Workings 工作表只打印其标题部分；若要打印其中每个量，请清除其打印区域（页面布局 > 打印区域 > 取消打印区域）。",
    "Tells xlwings to load the functions (flopsheet.udfs); leave it in place. The hand-off copy has no such sheet.":
        "告诉 xlwings 加载函数（flopsheet.udfs）；请保留。交接副本没有此工作表。",
    "Formulas": "公式",
    "native Excel: no add-in, no macros": "原生 Excel：无需加载项，无宏",
    "They recalculate in Excel on any platform, LibreOffice, Gnumeric and Google Sheets.":
        "它们可在任何平台的 Excel、LibreOffice、Gnumeric 和 Google Sheets 中重新计算。",
    'Model catalog: total and active parameters, layers, heads, experts, attention and cache, training runs.':
        '模型目录：总参数与激活参数、层数、注意力头、专家、注意力与缓存类型、训练记录。',
    'One request (seed method vs roofline), memory to fit, a serving fleet, DeepSeek-V3 (MoE) on 8 H200s, Kimi K2 with a 2-million-character context.':
        '单次请求（原始报告方法与屋顶线模型对比）、显存需求、服务集群、8 张 H200 上的 DeepSeek-V3（混合专家）、200 万字上下文的 Kimi K2。',
    'Models: architectures and published training runs':
        '模型：架构与已公布的训练记录',
    "Parameters are raw counts shown in billions; active = per token (a mixture of experts reads all of its total parameters from memory but computes with the active ones). An empty figure is unpublished or unconfirmed ('Empty because'), or does not apply to the architecture.":
        '参数为原始个数，以十亿显示；激活参数指每个词元使用的参数（混合专家模型从显存读取全部参数，但只用激活参数计算）。空白数字表示未公布或未经证实（见“空白原因”），或不适用于该架构。',
    'Edit any figure, or add a model in the first empty row below the table: Inference looks figures up here by name (grey keys in row 5). Functions given a model name (e.g. DECODE_MS("DeepSeek-V3",...)) read the add-in\'s built-in catalog; type numbers instead to use your own.':
        '可修改任一数字，或在表格下方第一个空行添加模型：推理表按名称在此查找数字（第 5 行灰色键）。传入模型名称的函数（如 DECODE_MS("DeepSeek-V3",...)）读取加载项内置目录；要使用自己的数字，请直接输入数字。',
    "Edit any figure, or add a model in the first empty row below the table: the Inference formulas that name a model look its figures up in this table's rows by name (grey keys in row 5), so an edit here changes every result on recalculation.":
        '可修改任一数字，或在表格下方第一个空行添加模型：推理表中写明模型名称的公式按名称在本表各行查找数字（第 5 行灰色键），因此在此修改会在重新计算时改变所有结果。',
    'Model':
        '模型',
    'Total (parameters)':
        '总参数（个）',
    'Active per token (parameters)':
        '每词元激活参数（个）',
    'd_model (width)':
        'd_model（宽度）',
    'Heads':
        '注意力头数',
    'Attention':
        '注意力类型',
    'MLA latent (kv_lora_rank)':
        'MLA 潜向量（kv_lora_rank）',
    'MLA RoPE key (qk_rope_head_dim)':
        'MLA RoPE 键（qk_rope_head_dim）',
    'Sliding window (tokens)':
        '滑动窗口（词元）',
    'Sliding layers':
        '滑动窗口层数',
    'Experts':
        '专家数',
    'Experts per token':
        '每词元专家数',
    'Shared experts':
        '共享专家数',
    'MoE layers':
        'MoE 层数',
    'Vocabulary (tokens)':
        '词表（词元）',
    'Context (tokens)':
        '上下文（词元）',
    'Training tokens (tokens)':
        '训练词元（词元）',
    'Training compute (FLOPs)':
        '训练算力（FLOPs）',
    'Training hardware':
        '训练硬件',
    'Training chips':
        '训练芯片数',
    'Training GPU-hours (accelerator-hours)':
        '训练 GPU·小时（加速器·小时）',
    'Training MFU (0-1)':
        '训练 MFU（0-1）',
    'Family':
        '系列',
    'Developer':
        '开发者',
    'Full name':
        '全称',
    'Inference: time per request, memory, serving, mixture of experts and long context':
        '推理：单次请求耗时、显存、服务、混合专家与长上下文',
    'Models sheet: 70.6B, 80 layers, 8 KV heads of 128 (GQA)':
        '模型表：706 亿参数，80 层，8 个 128 维 KV 头（GQA）',
    'Pick a model from the Models sheet (or type a catalog name)':
        '从模型表中选择模型（或输入目录中的名称）',
    'Parameters (Models sheet)':
        '参数（模型表）',
    'Latency target per answer token':
        '每个回答词元的延迟目标',
    'Estimate: 50 ms = 20 tokens/s per user; the fleet batches only as far as this allows':
        '估计值：50 毫秒 = 每用户每秒 20 个词元；集群的批大小以此为上限',
    'Peak-hour factor (busiest hour / average)':
        '高峰系数（最忙时段 / 平均）',
    'Estimate: the fleet is sized for its busiest hour, not the daily average':
        '估计值：集群按最忙时段而非日均负载配置',
    "The model's own cache (GQA: 8 KV heads), split over the replica's GPUs":
        '模型自身的缓存（GQA：8 个 KV 头），分布在副本的各 GPU 上',
    'Replicas (decode only, daily average)':
        '副本数（仅解码，日均）',
    'GPUs by decode alone at the daily average':
        '仅按解码、日均负载所需 GPU 数',
    'What the roofline alone gives: it ignores prefill and sizes to the average hour':
        '仅屋顶线模型的结果：忽略预填充，并按平均时段配置',
    'KV cache of one request':
        '单个请求的 KV 缓存',
    'SERVING_GPUS: prefill + decode compute at the peak hour, largest batch under the latency target that fits in memory (parameters from the Models sheet; BwEfficiency, DefaultMFU)':
        'SERVING_GPUS：高峰时段的预填充 + 解码算力，在延迟目标内且放得进显存的最大批（参数来自模型表；带宽效率 BwEfficiency，MFU 取 DefaultMFU）',
    'SERVING_GPUS counts what the decode-only rows leave out: prefilling each prompt (2 x params x prompt tokens plus causal attention) takes compute on the same GPUs, and the fleet must carry the busiest hour.':
        'SERVING_GPUS 计入了仅解码各行遗漏的部分：每个提示词的预填充（2 × 参数 × 提示词元，加因果注意力）占用同一批 GPU 的算力，且集群必须承受最忙时段。',
    'Mixture of experts: DeepSeek-V3 on 8 H200s (FP8)':
        '混合专家：8 张 H200 上的 DeepSeek-V3（FP8）',
    'DeepSeek-AI 2024: 671B total, 37B active, 256 routed experts, 8 per token':
        'DeepSeek-AI 2024：总参数 6710 亿，激活 370 亿，256 个路由专家，每词元 8 个',
    'Total parameters (Models sheet)':
        '总参数（模型表）',
    'Every expert is held in memory':
        '所有专家都驻留在显存中',
    'Active parameters per token (Models sheet)':
        '每词元激活参数（模型表）',
    'What each token computes with':
        '每个词元参与计算的参数',
    'Routed experts (Models sheet)':
        '路由专家数（模型表）',
    'Experts per token (Models sheet)':
        '每词元专家数（模型表）',
    "1 = FP8, the precision DeepSeek-V3's weights are released in":
        '1 = FP8，即 DeepSeek-V3 权重发布时的精度',
    'One 8-GPU server':
        '一台 8 卡服务器',
    'KV cache of the batch (latent)':
        '整批的 KV 缓存（潜向量）',
    'MLA caches a 512 + 64 latent per layer per token, held on every tensor-parallel GPU':
        'MLA 每层每词元缓存 512 + 64 维潜向量，每张张量并行 GPU 各存一份',
    'Weights (all experts)':
        '权重（全部专家）',
    'Must not exceed the GPUs in tensor parallel':
        '不得超过张量并行的 GPU 数',
    'Decode step at this batch':
        '该批大小下的一步解码',
    'Reads the experts the batch touches: 1-(1-8/256)^64 = 87% of them at batch 64':
        '读取本批触及的专家：批大小 64 时为 1-(1-8/256)^64 = 87%',
    'Same step if only the active parameters were read':
        '若只读取激活参数时的同一步',
    "What typing 37B as params gives: too fast, the other experts' reads are missing":
        '把 params 写成 37B 的结果：偏快，漏掉了其他专家的读取',
    'Throughput':
        '吞吐量',
    "Time to first token (the batch's prompts)":
        '首词元时间（整批提示词）',
    'Prefill: active-parameter FLOPs with causal attention, or one read of the weights, whichever is slower':
        '预填充：激活参数的 FLOPs 加因果注意力，或读取一遍权重，取较慢者',
    'Whole answer':
        '完整回答',
    'Time to first token + one decode step per answer token':
        '首词元时间 + 每个回答词元一步解码',
    "Long context: Kimi's 2 million Chinese characters (Moonshot AI, March 2024), on Kimi K2":
        '长上下文：Kimi 的 200 万汉字（月之暗面，2024 年 3 月），以 Kimi K2 计算',
    'Moonshot AI 2025: 1T total, 32B active, MLA like DeepSeek-V3. Its stated context (Models sheet) is shorter: this is a what-if':
        '月之暗面 2025：总参数 1 万亿，激活 320 亿，与 DeepSeek-V3 一样采用 MLA。其公布的上下文（模型表）更短：这是假设情景',
    'Context the developer states (Models sheet)':
        '开发者公布的上下文（模型表）',
    'Bytes per weight':
        '每个权重的字节数',
    '1 = FP8, as Kimi K2 is released':
        '1 = FP8，即 Kimi K2 的发布精度',
    'Bytes per cached value':
        '每个缓存值的字节数',
    'Assumption: an FP8 cache (2 = BF16 doubles the cache and needs more GPUs)':
        '假设：FP8 缓存（2 = BF16，缓存翻倍，需要更多 GPU）',
    'Two 8-GPU servers':
        '两台 8 卡服务器',
    'KV cache (latent, on every GPU)':
        'KV 缓存（潜向量，每张 GPU 各一份）',
    '61 layers x (512 + 64) values per token, once per tensor-parallel GPU':
        '每词元 61 层 × (512 + 64) 个值，每张张量并行 GPU 各一份',
    'Compute, 2 x active params per token':
        '算力，每词元 2 × 激活参数',
    'A model name brings its attention term (layers x heads x head_dim): at this length attention, not the weights, dominates':
        '模型名称带入其注意力项（层数 × 头数 × 头维度）：在此长度下，主导的是注意力而非权重',
    'Reading the context once (time to first token)':
        '读一遍上下文（首词元时间）',
    'Every step reads the experts it touches and the whole cache':
        '每一步都要读取所触及的专家和全部缓存',
}

# Defined names that stay as written: formulas use them verbatim.
SAME = frozenset({
    "BwEfficiency",
    "ColoUsdPerKwMonth",
    "CostOfCapital",
    "DaysPerMonth",
    "DefaultGoodput",
    "DefaultMFU",
    "DefaultPrecision",
    "PUE",
    "SecondsPerDay",
    "ServerFactor",
    "UsableMemory",
    "WattsPerMW",
})
