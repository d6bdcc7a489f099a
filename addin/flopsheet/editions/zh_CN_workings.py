"""Simplified Chinese of the hand-off copy's Workings sheet (flopsheet.handoff.workings).

The sheet's labels are made by the twins (flopsheet.handoff.twins and the functions'
`twin_steps`): a fixed text per named step, and a few shapes with a name inside ("mfu used
(blank: DefaultMFU)"). FIXED maps the former; PATTERNS the latter, tried in order. Argument and
field names (mfu, active_params), defined names (DefaultMFU), GPU and model names and sheet names
stay as they are: they are what the formulas and the other sheets show.
"""

from __future__ import annotations

import re

FIXED = {
    # the sheet itself
    "Workings: the quantities the copy's formulas use": "计算过程：副本公式用到的各个量",
    (
        "Each cell here is one quantity a formula on another sheet reads (its address appears in that formula). "
        "Columns A:C list quantities with what they are and the first cell using them; from column E, helper columns "
        "work a table out row by row: row 9 of a helper column serves row 9 of the sheet its label (row 1) names. "
        "Edit inputs on their own sheets; these cells recalculate from them."
    ): "这里每个单元格都是其他工作表上某个公式读取的一个量（公式中写有它的地址）。A:C 列列出各个量、它是什么以及第一个使用它的"
    "单元格；从 E 列起，辅助列逐行计算表格：辅助列的第 9 行服务于其标签（第 1 行）所写工作表的第 9 行。请在各自的工作表上修改输入；"
    "这些单元格据此重新计算。",
    "Only rows 1-3 print. To print every quantity: Page Layout > Print Area > Clear Print Area.": "只打印第 1-3 行。若要打印每个量：页面布局 > 打印区域 > 取消打印区域。",
    "Quantity": "量",
    "Value": "值",
    "First used by": "首个使用它的单元格",
    "named assumption": "命名假设",
    # the vision tokenizers' rules (flopsheet.functions.visiontwins)
    "the longer side": "较长边",
    "width / height, as a double": "宽 / 高（按双精度）",
    "width x height": "宽 × 高",
    "the shorter side after the fit": "适配后的较短边",
    "scale adjusted so the sides fit whole patches": "调整后的缩放比例（使边长为整块）",
    "patches across at that scale": "该比例下横向块数",
    "patches down at that scale": "该比例下纵向块数",
    "longer side / shorter side": "较长边 / 较短边",
    "longer side / shorter side, as a double": "较长边 / 较短边（按双精度）",
    "longest long side the search may reach": "搜索可达的最长长边",
    "short-side patches where the token limit binds (about)": "词元上限起作用时短边的块数（约）",
    "long side after the resize": "缩放后的长边",
    "long side after the resize / aspect": "缩放后的长边 / 宽高比",
    "short side after the resize (rounded half to even)": "缩放后的短边（四舍六入五成双）",
    "height x width": "高 × 宽",
    "pixels / maximum pixels": "像素数 / 最大像素数",
    "minimum pixels / pixels": "最小像素数 / 像素数",
    "downscale (its square root)": "缩小比例（其平方根）",
    "upscale (its square root)": "放大比例（其平方根）",
    "pixels after the rounding": "取整后的像素数",
    "height after smart_resize": "smart_resize 后的高",
    "width after smart_resize": "smart_resize 后的宽",
    "seconds of video": "视频秒数",
    "seconds x frames sampled a second": "秒数 × 每秒采样帧数",
    "frames sampled (an even number)": "采样帧数（偶数）",
    "frames sampled (int(), within the limits)": "采样帧数（取整，限定在范围内）",
    "pixels a frame may keep": "每帧可保留的像素数",
    "frames rounded to pairs (half to even)": "帧数按帧对取整（四舍六入五成双）",
    "frames x pixels after the rounding": "帧数 × 取整后的像素数",
    "frames x height x width": "帧数 × 高 × 宽",
    "that / maximum pixels": "上值 / 最大像素数",
    "minimum pixels / that": "最小像素数 / 上值",
    "its floor": "其向下取整",
    # steps (Function.twin_steps)
    "GPUs for the deadline, before rounding up": "按期限所需 GPU 数（向上取整前）",
    "GPUs of memory, before rounding up": "按显存所需 GPU 数（向上取整前）",
    "patches down the image (a partial patch counts)": "图像纵向的块数（不足一块也计一块）",
    "patches across the image (a partial patch counts)": "图像横向的块数（不足一块也计一块）",
    "frame groups (a partial group counts)": "帧组数（不足一组也计一组）",
    "patches down a frame (a partial patch counts)": "每帧纵向的块数（不足一块也计一块）",
    "patches across a frame (a partial patch counts)": "每帧横向的块数（不足一块也计一块）",
    "bytes/s the GPUs read in a decode step": "一步解码中各 GPU 每秒读取的字节数",
    "decode step reading the weights (s)": "一步解码读取权重的时间（秒）",
    "decode step reading the KV cache (s)": "一步解码读取 KV 缓存的时间（秒）",
    "decode step's weight GEMMs computing (s)": "一步解码中权重矩阵乘法的计算时间（秒）",
    "decode step's attention computing (s)": "一步解码中注意力的计算时间（秒）",
    "the model's routed experts' parameters": "模型路由专家的参数量",
    (
        "FLOPs the routed experts' grouped GEMMs of a decode step of the batch cost beyond 2 x params a token: each "
        "expert it runs 100 rows more than it has (its tokens' share of the rate), and their work expert_cost more "
        "(their width's share of the rate)"
    ): (
        "该批一步解码中路由专家分组矩阵乘法在每 token 2 × 参数量之外多耗的 FLOPs：每个运行的专家多算 100 行（按其 token "
        "数可达的速率比例），其计算量再多 expert_cost 倍（按专家宽度可达的速率比例）"
    ),
    (
        "FLOPs the routed experts' grouped GEMMs of the prefill of the batch's prompts cost beyond 2 x params a token: "
        "each expert it runs 100 rows more than it has (its tokens' share of the rate), and their work expert_cost "
        "more (their width's share of the rate)"
    ): (
        "该批提示预填充中路由专家分组矩阵乘法在每 token 2 × 参数量之外多耗的 FLOPs：每个运行的专家多算 100 行（按其 token "
        "数可达的速率比例），其计算量再多 expert_cost 倍（按专家宽度可达的速率比例）"
    ),
    (
        "FLOPs the routed experts' grouped GEMMs of the step with the chunk's tokens joined cost beyond 2 x params a "
        "token: each expert it runs 100 rows more than it has (its tokens' share of the rate), and their work "
        "expert_cost more (their width's share of the rate)"
    ): (
        "并入提示分块词元后的该步中路由专家分组矩阵乘法在每 token 2 × 参数量之外多耗的 FLOPs：每个运行的专家多算 100 行（按其 "
        "token 数可达的速率比例），其计算量再多 expert_cost 倍（按专家宽度可达的速率比例）"
    ),
    "FLOP/s the GPUs compute decoding": "这些 GPU 解码时每秒的计算量（FLOP/s）",
    "share of the peak the decode step's weight GEMMs reach at the batch": "该批大小下一步解码的权重矩阵乘法可达的峰值比例",
    "FLOP/s the GPUs' weight GEMMs compute decoding the batch": "这些 GPU 解码该批时权重矩阵乘法每秒的计算量（FLOP/s）",
    "FLOP/s the GPUs compute in prefill": "这些 GPU 预填充时每秒的计算量（FLOP/s）",
    "share of the peak at the precision (FP8, FP4 below 1)": "该精度下可达的峰值比例（FP8、FP4 低于 1）",
    "share of the peak at the precision and on this GPU (FP8, FP4, AMD CDNA3 below 1)": (
        "该精度与该 GPU 下可达的峰值比例（FP8、FP4、AMD CDNA3 低于 1）"
    ),
    "share of the decode bandwidth on this GPU (AMD CDNA3 below 1)": "该 GPU 解码时可达的显存带宽比例（AMD CDNA3 低于 1）",
    "GPUs of this GPU's NVLink domain (catalog/platforms.csv, 8 assumed)": (
        "该 GPU 的 NVLink 域内 GPU 数（catalog/platforms.csv；无平台记录时假定为 8）"
    ),
    "weights + KV cache fit in the GPUs' usable memory (and the request the context)": "权重 + KV 缓存放得进这些 GPU 的"
    "可用显存（且请求不超过上下文长度）",
    "weights + KV cache fit in the GPUs' usable memory": "权重 + KV 缓存放得进这些 GPU 的可用显存",
    # issue 20: the model's own KV cache by default, valid tensor-parallel degrees
    "a valid tensor-parallel degree whose usable memory holds weights + KV cache (and the request the context)": (
        "有效的张量并行度，且其可用显存放得进权重 + KV 缓存（且请求不超过上下文长度）"
    ),
    "a valid tensor-parallel degree whose usable memory holds weights + KV cache": "有效的张量并行度，且其可用显存"
    "放得进权重 + KV 缓存",
    "weights + one sequence's KV cache fit in the GPUs' usable memory (a valid tensor-parallel degree)": "权重 + 一个"
    "序列的 KV 缓存放得进这些 GPU 的可用显存（张量并行度有效）",
    "gpus is a valid tensor-parallel degree for the model": "gpus 是该模型有效的张量并行度",
    "the model's own KV cache of one sequence (GB)": "按模型自身结构计算的单个序列 KV 缓存（GB）",
    "GB the usable memory leaves beside the weights": "可用显存放下权重后剩余的 GB",
    "largest batch whose KV cache fits (at most 65536, or max_batch)": "KV 缓存放得下的最大批量（至多 65536，或 max_batch）",
    "the most the search may give (max_batch, or blank 65536)": "搜索可给出的上限（max_batch；留空为 65536）",
    "batch tried": "试探的批量",
    "largest batch known to meet the target": "已知满足延迟目标的最大批量",
    "largest batch still possible": "仍可能满足目标的最大批量",
    "the serving batch: the largest that fits and meets the latency target": "服务批量：放得下且满足延迟目标的最大批量",
    "batch: as typed, or blank the serving batch": "批量：按输入，留空则为服务批量",
    "gpus: as typed, or blank the fewest valid that hold the model": "gpus：按输入，留空则为放得下模型的最少有效 GPU 数",
    "GB of the weights": "权重的 GB 数",
    "tokens a sequence's cache holds on average (its running context)": "一个序列的缓存平均所含的 token 数（其运行上下文）",
    "token-layers of the model's full-attention layers at that context": "该上下文下模型全注意力层的 token × 层数",
    "token-layers a sequence's cache holds at its running context": "一个序列的缓存在其运行上下文下所含的 token × 层数",
    "the model's own KV cache of the batch (GB)": "按模型自身结构计算的整批 KV 缓存（GB）",
    "KV cache read each step (GB): kv_gb, or blank the model's own at the running context": "每步读取的 KV 缓存（GB）："
    "kv_gb，留空则为模型自身在运行上下文下的缓存",
    "attention FLOPs of one decode token against the model's own cache": "一个解码 token 对模型自身缓存做注意力的 FLOPs",
    "attention width of a decode token (MLA: its latent as absorbed)": "解码 token 的注意力宽度（MLA：吸收后的潜向量宽度）",
    "weights + one sequence's KV cache fit in the GPUs' usable memory": "权重 + 一个序列的 KV 缓存放得进这些 GPU 的可用显存",
    "FLOPs a replica computes per second decoding": "每个副本解码时每秒的计算量（FLOPs）",
    "FLOPs a replica computes per second decoding at that batch": "每个副本在该批大小下解码时每秒的计算量（FLOPs）",
    "FLOPs a replica computes per second in prefill": "每个副本预填充时每秒的计算量（FLOPs）",
    "largest batch whose KV cache fits beside the weights in usable memory": "KV 缓存与权重一起放得进可用显存的最大批",
    "decode step: the GEMMs or the weights' read, then the attention or the cache's read (ms)": "一步解码时间：矩阵乘法与读取权重取较慢者，再加注意力与读取缓存取较慢者（毫秒）",
    "prefill computing (s)": "预填充的计算时间（秒）",
    # ITL_MS: the other requests' prompt chunks on each decode step, and the server's CPU time
    "other requests' prompts prefilled between two of one request's tokens": "在一个请求相邻两个词元之间完成预填充的其他请求提示词数",
    "their prefill computing (s)": "这些提示词预填充的计算时间（秒）",
    "their all-reduce traffic, the latency paid by the step (s)": "它们的全归约通信量（延迟已由解码步承担）（秒）",
    "the GPUs' time between two tokens: the decode step and the prompt chunks on it (ms)": "GPU 在相邻两个词元之间的时间：解码步及其上的提示词分块（毫秒）",
    "the server's CPU work for the batch's step, batch x host_us (ms)": "服务器为该批次一步所做的 CPU 工作，batch x host_us（毫秒）",
    "the GPUs' time plus the CPU's share on the critical path, host_serial of its work (ms)": "GPU 时间加上 CPU 位于关键路径上的部分，即其工作的 host_serial（毫秒）",
    "between two tokens: the longer of that and the CPU's whole work, the rest of which overlaps the GPUs' step (ms)": "相邻两个词元之间的时间：取上项与 CPU 全部工作中较长者，CPU 其余工作与 GPU 的步重叠（毫秒）",
    "prefill reading the weights once (s)": "预填充读取一次权重的时间（秒）",
    "attention's cost per FLOP at the GEMMs' rate (FP4: at the FP8 peak)": "注意力每 FLOP 相对矩阵乘法速率的代价（FP4：按 FP8 峰值）",
    "prefill, the slower of the two and 0.9 of the other (s)": "预填充时间，取两者中较慢者加另一者的 0.9（秒）",
    "bytes a replica reads per second": "每个副本每秒读取的字节数",
    "KV cache bytes per sequence (floor 1E-6)": "每个序列的 KV 缓存字节数（下限 1E-6）",
    "one decode step at batch 1 (ms)": "批大小为 1 时一步解码的时间（毫秒）",
    "one decode step at batch 1, with the server's CPU time (ms)": "批大小为 1 时一步解码的时间，含服务器的 CPU 时间（毫秒）",
    "the GPUs' step at that batch per sequence (s)": "该批大小下 GPU 一步分摊到每个序列的时间（秒）",
    "its share on the step's critical path, host_serial of it (ms)": "其中位于该步关键路径上的部分，即其 host_serial（毫秒）",
    "largest batch whose CPU time, batch x host_us, takes the latency target (none: no CPU time)": "CPU 时间（batch x host_us）能在延迟目标内完成的最大批（无 CPU 时间则不限）",
    "decode step with the server's CPU time, host_us a sequence, host_serial of it on the critical path (ms)": "含服务器 CPU 时间的解码步：每个序列 host_us，其中 host_serial 位于关键路径上（毫秒）",
    "largest batch whose step reads (and its CPU's critical share) in the latency target": "一步读取（及其 CPU 位于关键路径上的部分）能在延迟目标内完成的最大批",
    "largest batch whose step computes and reads its cache in the latency target": "一步计算并读取缓存能在延迟目标内完成的最大批",
    "seconds the replica reads one sequence's KV cache": "副本读取一个序列 KV 缓存的秒数",
    "largest batch whose GEMMs at mfu and cache reads (and its CPU's critical share) take the latency target": "以 mfu 计算矩阵乘法并读取缓存（及其 CPU 位于关键路径上的部分）能在延迟目标内完成的最大批",
    "largest batch whose GEMMs at prefill_mfu x b / (b + h) and cache reads (and its CPU's critical share) take the latency target": "以 prefill_mfu x b / (b + h) 计算矩阵乘法并读取缓存（及其 CPU 位于关键路径上的部分）能在延迟目标内完成的最大批",
    "largest batch under the latency target that fits (at most max_batch, or blank 65536)": "满足延迟目标且放得下的最大批（至多 max_batch；留空为 65536）",
    "replica-seconds per request": "每个请求占用的副本秒数",
    "replicas at the peak hour, before rounding up": "高峰时段的副本数（向上取整前）",
    "replicas at the peak hour (rounded up)": "高峰时段的副本数（已向上取整）",
    "USD per million output tokens": "每百万输出词元的美元成本",
    "USD per million input tokens": "每百万输入词元的美元成本",
    "low <= base case <= high (to 1E-12)": "低 <= 基准 <= 高（容差 1E-12）",
    "scale of the base case (1, 1E3, 1E6, 1E9 or 1E12)": "基准值的量级（1、1E3、1E6、1E9 或 1E12）",
    "its letter (K, M, B, T)": "量级字母（K、M、B、T）",
    "decimals (two below 1)": "小数位数（小于 1 时两位）",
    "$ in front for a USD unit": "美元单位时前置的 $",
    "the unit after the number": "数字后的单位",
    "10 to the decimals": "10 的小数位数次方",
    "the base case in units of the last decimal": "基准值（以末位小数为单位）",
    "the low case in units of the last decimal": "低值（以末位小数为单位）",
    "the high case in units of the last decimal": "高值（以末位小数为单位）",
    "the base case, scaled and rounded": "基准值（按量级缩放并舍入）",
    "the low case, scaled and rounded": "低值（按量级缩放并舍入）",
    "the high case, scaled and rounded": "高值（按量级缩放并舍入）",
    "all-reduces of a decode step (s)": "一步解码的 all-reduce 时间（秒）",
    "all-reduces of prefill (s)": "预填充的 all-reduce 时间（秒）",
    "causal attention FLOPs of one prompt": "一个提示词的因果注意力计算量（FLOPs）",
    "the whole model and KV cache fit in the GPUs' memory": "整个模型和 KV 缓存放得进这些 GPU 的显存",
    "the model caches an MLA latent": "该模型缓存 MLA 潜向量",
    "values cached per token per layer": "每个词元每层缓存的数值个数",
    "the model has windowed layers": "该模型有滑动窗口层",
    "KV heads each GPU holds a copy of (1 for MLA)": "每张 GPU 各存一份的 KV 头数（MLA 为 1）",
    "token-layers the cache holds": "缓存保存的词元 × 层数",
    "share of the capex recovered a year (annuity at the cost of capital)": "每年回收的资本支出比例（按资本成本计的年金）",
    "server power per GPU (kW)": "每张 GPU 的服务器功率（千瓦）",
    # LAYOUT_DECODE_MS, LAYOUT_PREFILL_TOKENS_PER_SECOND, LAYOUT_TOKENS_PER_SECOND (functions/layouttwins.py)
    "share of the routed experts some token of the pass picks": "本次前向中某个词元选中的路由专家占比",
    "bytes of weights the busiest GPU reads a pass": "最忙的 GPU 每次前向读取的权重字节数",
    "bytes of KV cache each GPU reads a pass": "每块 GPU 每次前向读取的 KV 缓存字节数",
    "FLOP/s one GPU computes in the pass": "一块 GPU 在本次前向中每秒的计算量（FLOP/s）",
    "the expert all-to-alls of a pass, NVLink and NIC in parallel (s)": "一次前向中专家的 all-to-all 通信，NVLink 与网卡并行（秒）",
    "the pass with each collective's fixed cost and the all-reduces (s)": "本次前向，含每次集合通信的固定开销与全归约（秒）",
    "causal attention FLOPs of the instance's prompts": "该实例各提示词的因果注意力 FLOPs",
    "tokens each sequence's cache holds while decoding: context_tokens, or the prompt and half the answer": "解码时每个序列缓存持有的词元数：context_tokens，或提示词加一半回答",
    "largest batch whose KV cache fits beside the weights (at most 1,048,576)": "KV 缓存能在权重之外放下的最大批量（至多 1,048,576）",
    "1 when the call types its batch, 0 when the serving batch is searched": "调用给出批量时为 1，搜索服务批量时为 0",
    "the batch the instance decodes: batch, or the serving batch": "该实例解码的批量：batch，或服务批量",
    "instance-seconds of each request's prefill (one prompt per GPU at a time)": "每个请求预填充占用的实例秒数（每块 GPU 同时处理一个提示词）",
    "output tokens per second of the instance: the answer's tokens over its prefill and its decode steps' share": "该实例每秒输出的词元数：回答的词元数除以其预填充时间与所占解码步时间之和",
    "tokens each sequence's cache holds (context_tokens)": "每个序列缓存持有的词元数（context_tokens）",
    "token-layers a sequence's cache holds (windowed layers at most their window)": "一个序列缓存持有的词元层数（滑动窗口层最多为其窗口）",
    "one sequence's KV cache (GB), copied where the attention's tensor-parallel GPUs outnumber the KV heads, at kv_bytes a value": "一个序列的 KV 缓存（GB），注意力张量并行 GPU 多于 KV 头时按副本计，每个值 kv_bytes 字节",
    "attention FLOPs of one decode token against its cache": "一个解码词元对其缓存做注意力的 FLOPs",
    "its other parameters (attention, dense layers, shared experts)": "其余参数量（注意力、稠密层、共享专家）",
    "GB each GPU's usable memory leaves beside its weights (dense over the TP group, routed experts over EP)": "每块 GPU 可用显存在权重之外剩余的 GB（稠密部分分布在 TP 组上，路由专家分布在 EP 上）",
    "bytes/s one GPU reads": "一块 GPU 每秒读取的字节数",
    "tokens the busiest GPU's experts each receive (routing imbalance)": "最忙的 GPU 上每个专家收到的词元数（路由不均衡）",
    "the busiest GPU's grouped expert GEMMs, at their tokens' and their width's share of the rate (s)": (
        "最忙的 GPU 的分组专家 GEMM，按其词元数与专家宽度对应的速率比例（秒）"
    ),
    "one GPU's GEMMs: its share of the dense part, and its experts (s)": "一块 GPU 的矩阵乘法：其分担的稠密部分及其专家（秒）",
    "one GPU's share of the attention (s)": "一块 GPU 分担的注意力计算（秒）",
    "reading the KV cache (s)": "读取 KV 缓存的时间（秒）",
    "the attention: the slower of reading the cache and computing (s)": "注意力：取读取缓存与计算中较慢者（秒）",
    "reading the weights once (s)": "读取一次权重的时间（秒）",
    "one batch's work: the slower of reading the weights and the GEMMs, then the attention (s)": (
        "一个批次的工作：取读取权重与矩阵乘法中较慢者，再加注意力（秒）"
    ),
    "bytes one copy of the busiest GPU's tokens moves in a layer's dispatch and combine": "最忙的 GPU 的词元的一份副本在一层的分发与合并中传输的字节数",
    "the copies to each chosen expert over NVLink, one layer (s)": "经 NVLink 发往每个被选专家的副本，一层（秒）",
    "scale-up domains other than its own a token's experts fall in": "一个词元的专家落在的其他纵向扩展域数",
    "one copy per remote domain over the scale-out NIC, one layer (s)": "经横向扩展网卡向每个远端域发送一份副本，一层（秒）",
    "one batch: its work, then the all-to-all (s)": "一个批次：先工作，再 all-to-all（秒）",
    "2 micro-batches reading the weights each (s)": "2 个微批次各读取一次权重（秒）",
    "the micro-batches' work (s)": "微批次的工作（秒）",
    "the longer of their work and the all-to-all (s)": "其工作与 all-to-all 中较长者（秒）",
    "the shorter (s)": "较短者（秒）",
    "micro-batches: the longer, and 0.5 of the shorter not hidden (s)": "微批次：较长者，加上较短者中未被隐藏的 0.5（秒）",
    "the faster of one batch and the micro-batches (s)": "一个批次与微批次中较快者（秒）",
    "the attention replicas' tensor-parallel all-reduces (s)": "注意力副本的张量并行全归约（秒）",
    "each attention replica's CPU work for its sequences, host_us each (ms)": "每个注意力副本为其序列所做的 CPU 工作，每个序列 host_us（毫秒）",
    "the GPUs' step plus the CPU's share on the critical path, host_serial of it (blank: 0.5) (ms)": "GPU 的一步加上 CPU 位于关键路径上的部分，即其 host_serial（留空为 0.5）（毫秒）",
    "the step with the server's CPU time: the GPUs' plus host_serial of the CPU's, or the CPU's whole work when longer (s)": "含服务器 CPU 时间的一步：GPU 时间加上 CPU 时间的 host_serial，若 CPU 全部工作更长则取之（秒）",
    "the decode step: that, or the CPU's whole work when longer (ms)": "解码一步：取上项，若 CPU 全部工作更长则取之（毫秒）",
}

PATTERNS = [
    # the fewest valid tensor-parallel GPUs (functions.inference.with_fewest_gpus)
    (r"GB the weights and caches need on (\d+) GPUs", r"在 \1 张 GPU 上权重和缓存所需的 GB 数"),
    (r"(\d+) GPUs: a valid tensor-parallel degree that holds them", r"\1 张 GPU：有效的张量并行度且放得下它们"),
    # the vision tokenizers' rules (flopsheet.functions.visiontwins)
    (r"distance to a (\d+) x (\d+) grid's aspect", r"与 \1 × \2 网格宽高比的距离"),
    (r"nearest distance after the (\d+) x (\d+) grid", r"比较到 \1 × \2 网格为止的最近距离"),
    (
        r"grid chosen after the (\d+) x (\d+) grid \(columns x 100 \+ rows\)",
        r"比较到 \1 × \2 网格为止选中的网格（列数 × 100 + 行数）",
    ),
    (r"(\d+) / (\d+), as a double", r"\1 / \2（按双精度）"),
    (r"scale into a (\d+) x (\d+) grid", r"缩放进 \1 × \2 网格的比例"),
    (r"scale chosen after the (\d+) x (\d+) grid", r"比较到 \1 × \2 网格为止选中的比例"),
    (r"tiles chosen after the (\d+) x (\d+) grid", r"比较到 \1 × \2 网格为止选中的图块数"),
    (r"(\d+)-px tiles of the chosen grid", r"选中网格的 \1 像素图块数"),
    (r"(height|width) after fitting in (\d+) x (\d+) px", r"\1 适配到 \2 × \3 像素后"),
    (r"(height|width) after the shortest side is brought down to (\d+) px", r"最短边缩到 \2 像素后的 \1"),
    (r"(\d+)-px tiles covering the resized image", r"覆盖缩放后图像的 \1 像素图块数"),
    (r"(\d+)-px tiles \(estimate\)", r"\1 像素图块数（估计）"),
    (r"(\d+)-px patches before the budget", r"预算前的 \1 像素块数"),
    (r"(\d+)-px patches down the image as given", r"按原尺寸纵向的 \1 像素块数"),
    (r"(\d+)-px patches across the image as given", r"按原尺寸横向的 \1 像素块数"),
    (r"1 if the image fits (\d+) px and (\d+) tokens as given", r"原尺寸在 \1 像素与 \2 个词元以内时为 1"),
    (r"scale bringing the image to (\d+) patches", r"使图像为 \1 块的缩放比例"),
    (r"patches counted \(the budget of (\d+) applied\)", r"计入的块数（已应用 \1 块的预算）"),
    (r"short-side patches, candidate (\w)", r"短边块数，候选 \1"),
    (r"(\d+) x (m_\w) \+ 0\.5: a short side rounding above it is too long", r"\1 × \2 + 0.5：短边取整后超过它即过长"),
    (r"long side whose short side is (\d+) x (m_\w) \+ 0\.5 \(about\)", r"短边为 \1 × \2 + 0.5 时的长边（约）"),
    (r"(l0_\w)(\+1)? / aspect", r"\1\2 / 宽高比"),
    (r"largest long side with (m_\w) short-side patches", r"短边为 \1 块时的最大长边"),
    (r"(height|width) rounded to (\d+) px", r"\1 取整到 \2 像素的倍数"),
    (r"(height|width) / (\d+), floored", r"\1 / \2（向下取整）"),
    (r"(height|width) / (\d+)", r"\1 除以 \2"),
    (r"(height|width) / downscale / (\d+), floored", r"\1 / 缩小比例 / \2（向下取整）"),
    (r"(height|width) / downscale / (\d+)", r"\1 / 缩小比例 / \2"),
    (r"(height|width) / downscale", r"\1 / 缩小比例"),
    (r"(height|width) x upscale / (\d+), ceiled", r"\1 × 放大比例 / \2（向上取整）"),
    (r"(height|width) x upscale / (\d+)", r"\1 × 放大比例 / \2"),
    (r"(height|width) x upscale", r"\1 × 放大比例"),
    (r"frames / (\d+)", r"帧数 / \1"),
    (r"(.+) for the precision when blank \(by its column on (.+)\)", r"留空时按精度取的 \1（按该精度在 \2 表中的列）"),
    (r"(.+) used \(the precision's default\)", r"所用 \1（该精度的默认值）"),
    (r"(.+) as typed, checked \(no wildcards\)", r"\1（按输入，已检查：无通配符）"),
    (r"(.+) as given", r"\1（按给出的值）"),
    (r"(.+) used \(blank: the GPU's (.+)\)", r"所用 \1（留空取该 GPU 的 \2）"),
    (r"(.+) used \(blank: (.+)\)", r"所用 \1（留空取 \2）"),
    (r"(.+) used \(a number, or the model's (.+)\)", r"所用 \1（数字，或该模型的 \2）"),
    (r"(.+) used \(a number, or a name's number\)", r"所用 \1（数字，或名称对应的数字）"),
    (r"(.+) used \(a number: the peak itself\)", r"所用 \1（若为数字即峰值本身）"),
    (r"(.+): the model's (.+), checked", r"\1：该模型的 \2（已检查）"),
    (r"(.+): the model's (.+)", r"\1：该模型的 \2"),
    (r"(.+): the nested call's result", r"\1：嵌套调用的结果"),
    (r"(.+) used", r"所用 \1"),
    (r"(.+), checked", r"\1（已检查）"),
    (r"row of the GPU on (.+) \(blank: a peak number\)", r"该 GPU 在 \1 表中的行号（若为峰值数字则留空）"),
    (r"row of the model on (.+) \(blank: a number\)", r"该模型在 \1 表中的行号（若为数字则留空）"),
    (r"row of the model on (.+)", r"该模型在 \1 表中的行号"),
    (r"row of (.+) on (.+)", r"\1 在 \2 表中的行号"),
    (r"column of the precision on (.+) \(blank: (.+)\)", r"该精度在 \1 表中的列号（留空取 \2）"),
    (r"peak TFLOPS at the precision of (.+)", r"\1 在该精度下的峰值 TFLOPS"),
    (r"peak TFLOPS at the precision", r"该精度下的峰值 TFLOPS"),
    (r"(\w+) peak TFLOPS of (.+)", r"\2 的 \1 峰值 TFLOPS"),
    (r"(\w+) of the model \((.+) sheet, as typed\)", r"该模型的 \1（\2 表，原样）"),
    (r"(\w+) of the model \((.+) sheet\)", r"该模型的 \1（\2 表）"),
    (r"(\w+) of the GPU \((.+) sheet\)", r"该 GPU 的 \1（\2 表）"),
    (r"(\w+) of (.+) \((.+) sheet\)", r"\2 的 \1（\3 表）"),
    (r"share of experts each token uses \((.+); 0 when dense\)", r"每个词元用到的专家比例（\1；稠密模型为 0）"),
    (
        r"the routed experts' extra GEMM time per unit of work \((.+); 0 when dense\)",
        r"路由专家每单位计算量额外的矩阵乘法时间（\1；稠密模型为 0）",
    ),
    (r"share of experts each token uses \((.+)\)", r"每个词元用到的专家比例（\1）"),
    (r"attention width: layers x heads x head_dim of (.+)", r"注意力宽度：\1 的层数 × 头数 × 头维度"),
    (
        r"the cell still names (.+) \(else #N/A: run the hand-off again\)",
        r"该单元格仍写着 \1（否则为 #N/A：请重新交接）",
    ),
    (r"for (.+) row by row", r"逐行服务 \1"),
]
_COMPILED = [(re.compile(p + r"\Z"), t) for p, t in PATTERNS]
_WORDS = [
    ("peak TFLOPS at the precision", "该精度下的峰值 TFLOPS"),
    (r"(\w+) peak TFLOPS", r"\1 峰值 TFLOPS"),
    ("the model", "该模型"),
    ("the GPU", "该 GPU"),
    ("the field", "该字段"),
]


# a label of a step repeated along an unrolled search (functions.inference.serving_batch_steps): the step's own
# label, translated, and where in the search it stands
_SUFFIXES = [
    (re.compile(r"(.+), bisection step (\d+)\Z"), "（二分查找第 {1} 步）"),
    (re.compile(r"(.+), at that batch\Z"), "（在该批量下）"),
    (re.compile(r"(.+), at the batch decoded\Z"), "（在解码的批量下）"),
    (re.compile(r"(.+), the prefill of one prompt on each GPU\Z"), "（每块 GPU 预填充一个提示词）"),
]


def translate(text: str) -> str:
    """A Workings label in Simplified Chinese; the English text when no entry or shape fits."""
    if text in FIXED:
        return FIXED[text]
    for pattern, tail in _SUFFIXES:
        m = pattern.match(text)
        if m:
            return translate(m.group(1)) + tail.format(*m.groups())
    for pattern, template in _COMPILED:
        m = pattern.match(text)
        if m:
            out = m.expand(template)
            for en, zh in _WORDS:
                out = re.sub(en, zh, out)
            return out
    return text
