//! A TensorFlow Lite graph of the operators small vision models use
//! (convolution, depthwise convolution, add, ReLU, PReLU, pad, max pool,
//! reshape, concatenation, float16 weights), read from the model file and run on
//! `f32` NHWC tensors.

use super::flatbuf::Malformed;
use super::schema::{self, Model, Options};

/// Why a model could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The file is not a well-formed TensorFlow Lite model.
    #[error("malformed model file")]
    Malformed,
    /// The model uses something this runtime does not implement.
    #[error("unsupported model: {0}")]
    Unsupported(String),
    /// Not the model asked for: its input has this shape.
    #[error("a model whose input is {0:?}, not the one expected")]
    WrongInput(Vec<usize>),
    /// A model the app must load (an asset it bundles) has not been loaded.
    #[error("model not loaded")]
    NotLoaded,
}

impl From<Malformed> for ModelError {
    fn from(_: Malformed) -> Self {
        ModelError::Malformed
    }
}

/// A tensor's data and shape (NHWC for images).
#[derive(Debug, Clone, Default)]
pub struct Tensor {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub data: Vec<f32>,
}

/// How a window is placed at the border.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Padding {
    Same,
    Valid,
}

/// One operation, its operands resolved.
#[derive(Debug)]
enum Op {
    /// Convolution; weights laid out [ky][kx][cin][cout] so the inner loop
    /// runs over output channels.
    Conv {
        input: usize,
        weights: Vec<f32>,
        bias: Vec<f32>,
        k: (usize, usize),
        cin: usize,
        cout: usize,
        stride: usize,
        padding: Padding,
        relu: bool,
    },
    /// Depthwise convolution (multiplier 1); weights [ky][kx][c].
    Depthwise {
        input: usize,
        weights: Vec<f32>,
        bias: Vec<f32>,
        k: (usize, usize),
        stride: usize,
        padding: Padding,
        relu: bool,
    },
    Add {
        a: usize,
        b: usize,
        relu: bool,
    },
    Relu {
        input: usize,
    },
    /// ReLU with a learnt slope per channel for negative values.
    Prelu {
        input: usize,
        slopes: Vec<f32>,
    },
    /// Zero padding, (before, after) per dimension.
    Pad {
        input: usize,
        pads: Vec<(usize, usize)>,
    },
    MaxPool {
        input: usize,
        k: (usize, usize),
        stride: usize,
        padding: Padding,
    },
    Reshape {
        input: usize,
    },
    Concat {
        inputs: Vec<usize>,
        axis: usize,
    },
}

/// One step of a graph: an operation and where its result goes.
#[derive(Debug)]
struct Step {
    /// What is computed, from which tensors.
    op: Op,
    /// The tensor it writes.
    output: usize,
    /// That tensor's shape.
    shape: Vec<usize>,
}

/// A loaded model: operations in execution order.
#[derive(Debug)]
pub struct Graph {
    ops: Vec<Step>,
    input: (usize, Vec<usize>),
    outputs: Vec<usize>,
    tensors: usize,
}

fn f16_to_f32(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = (bits >> 10) & 0x1f;
    let frac = (bits & 0x3ff) as f32;
    match exp {
        0 => sign * frac * 2f32.powi(-24),
        31 if frac == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        e => sign * (1.0 + frac / 1024.0) * 2f32.powi(e as i32 - 15),
    }
}

/// SAME or VALID placement of a window operator.
fn padding(options: &Options) -> Result<Padding, Malformed> {
    Ok(if options.padding()? == schema::PADDING_SAME {
        Padding::Same
    } else {
        Padding::Valid
    })
}

/// Whether `operator`'s fused activation is a ReLU (none or ReLU only).
fn relu(options: &Options, operator: i32) -> Result<bool, ModelError> {
    match options.activation(operator)? {
        schema::ACTIVATION_NONE => Ok(false),
        schema::ACTIVATION_RELU => Ok(true),
        other => Err(ModelError::Unsupported(format!("activation {other}"))),
    }
}

/// The one stride of a window operator (equal in both directions).
fn stride(options: &Options) -> Result<usize, ModelError> {
    let (sw, sh) = options.strides()?;
    if sw != sh || sw < 1 {
        return Err(ModelError::Unsupported(format!("stride {sw}×{sh}")));
    }
    Ok(sw as usize)
}

/// Refuses dilated convolutions, which the runtime does not compute.
fn no_dilation((dw, dh): (i32, i32)) -> Result<(), ModelError> {
    if (dw, dh) != (1, 1) {
        return Err(ModelError::Unsupported(format!("dilation {dw}×{dh}")));
    }
    Ok(())
}

impl Graph {
    /// `model` parsed on first use and kept in `cell` for the process.
    pub fn load_once(
        cell: &'static std::sync::OnceLock<Result<Graph, ModelError>>,
        model: &[u8],
    ) -> Result<&'static Graph, ModelError> {
        cell.get_or_init(|| Graph::load(model))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The shape of the model's input (NHWC for images).
    pub fn input_shape(&self) -> &[usize] {
        &self.input.1
    }

    /// Reads a TensorFlow Lite model (first subgraph), its operations fused
    /// where that computes the same with less work.
    pub fn load(model: &[u8]) -> Result<Graph, ModelError> {
        let mut graph = Graph::parse(model)?;
        graph.ops = fuse(std::mem::take(&mut graph.ops), &graph.outputs);
        Ok(graph)
    }

    /// The model's operations as the file lists them.
    fn parse(model: &[u8]) -> Result<Graph, ModelError> {
        let root = Model::root(model)?;
        let codes: Vec<i32> = root
            .operator_codes()?
            .iter()
            .map(|c| c.builtin())
            .collect::<Result<_, Malformed>>()?;
        let graph = *root.subgraphs()?.first().ok_or(Malformed)?;
        let buffers = root.buffers()?;
        let tensors = graph.tensors()?;
        let shape = |t: usize| -> Result<Vec<usize>, ModelError> {
            Ok(tensors
                .get(t)
                .ok_or(Malformed)?
                .shape()?
                .into_iter()
                .map(|d| d.max(1) as usize)
                .collect())
        };
        // Constant tensors (weights), as f32; int32 ones kept as f32 too.
        let mut constants: Vec<Option<Vec<f32>>> = vec![None; tensors.len()];
        for (i, t) in tensors.iter().enumerate() {
            let data = match buffers.get(t.buffer()?) {
                Some(b) => b.data()?,
                None => continue,
            };
            if data.is_empty() {
                continue;
            }
            constants[i] = Some(match t.element_type()? {
                schema::TENSOR_FLOAT32 => data
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
                schema::TENSOR_FLOAT16 => data
                    .chunks_exact(2)
                    .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                    .collect(),
                schema::TENSOR_INT32 => data
                    .chunks_exact(4)
                    .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f32)
                    .collect(),
                other => return Err(ModelError::Unsupported(format!("tensor type {other}"))),
            });
        }
        let constant = |constants: &[Option<Vec<f32>>], t: usize| -> Result<Vec<f32>, ModelError> {
            constants
                .get(t)
                .cloned()
                .flatten()
                .ok_or_else(|| ModelError::Unsupported(format!("tensor {t} is not constant")))
        };
        let mut ops = Vec::new();
        for op in graph.operators()? {
            let code = *codes.get(op.opcode_index()?).ok_or(Malformed)?;
            let inputs = op.inputs()?;
            let out = *op.outputs()?.first().ok_or(Malformed)?;
            let input = |k: usize| inputs.get(k).copied().ok_or(Malformed);
            let options = op.options()?;
            let resolved = match code {
                schema::BUILTIN_DEQUANTIZE => {
                    constants[out] = Some(constant(&constants, input(0)?)?);
                    continue;
                }
                schema::BUILTIN_CONV_2D => {
                    no_dilation(options.conv_dilations()?)?;
                    let f = shape(input(1)?)?;
                    let [cout, kh, kw, cin] = f[..] else {
                        return Err(Malformed.into());
                    };
                    let raw = constant(&constants, input(1)?)?;
                    let mut weights = vec![0.0; raw.len()];
                    for o in 0..cout {
                        for y in 0..kh {
                            for x in 0..kw {
                                for i in 0..cin {
                                    weights[((y * kw + x) * cin + i) * cout + o] =
                                        raw[((o * kh + y) * kw + x) * cin + i];
                                }
                            }
                        }
                    }
                    Op::Conv {
                        input: input(0)?,
                        weights,
                        bias: constant(&constants, input(2)?)?,
                        k: (kh, kw),
                        cin,
                        cout,
                        stride: stride(&options)?,
                        padding: padding(&options)?,
                        relu: relu(&options, code)?,
                    }
                }
                schema::BUILTIN_DEPTHWISE_CONV_2D => {
                    no_dilation(options.depthwise_dilations()?)?;
                    let f = shape(input(1)?)?;
                    let [1, kh, kw, _] = f[..] else {
                        return Err(ModelError::Unsupported("depth multiplier".into()));
                    };
                    Op::Depthwise {
                        input: input(0)?,
                        weights: constant(&constants, input(1)?)?,
                        bias: constant(&constants, input(2)?)?,
                        k: (kh, kw),
                        stride: stride(&options)?,
                        padding: padding(&options)?,
                        relu: relu(&options, code)?,
                    }
                }
                schema::BUILTIN_ADD => Op::Add {
                    a: input(0)?,
                    b: input(1)?,
                    relu: relu(&options, code)?,
                },
                schema::BUILTIN_RELU => Op::Relu { input: input(0)? },
                schema::BUILTIN_PRELU => {
                    let slopes = constant(&constants, input(1)?)?;
                    let channels = shape(out)?.last().copied().unwrap_or(1);
                    if slopes.len() != channels {
                        return Err(ModelError::Unsupported("PReLU slopes per pixel".into()));
                    }
                    Op::Prelu {
                        input: input(0)?,
                        slopes,
                    }
                }
                schema::BUILTIN_PAD => {
                    let p = constant(&constants, input(1)?)?;
                    if p.len() != 8 || p.iter().any(|&v| v < 0.0) {
                        return Err(ModelError::Unsupported(
                            "padding of a non-image tensor".into(),
                        ));
                    }
                    Op::Pad {
                        input: input(0)?,
                        pads: p
                            .chunks_exact(2)
                            .map(|c| (c[0] as usize, c[1] as usize))
                            .collect(),
                    }
                }
                schema::BUILTIN_MAX_POOL_2D => {
                    if relu(&options, code)? {
                        return Err(ModelError::Unsupported("max pool activation".into()));
                    }
                    let (fw, fh) = options.filter()?;
                    if fw < 1 || fh < 1 {
                        return Err(Malformed.into());
                    }
                    Op::MaxPool {
                        input: input(0)?,
                        k: (fh as usize, fw as usize),
                        stride: stride(&options)?,
                        padding: padding(&options)?,
                    }
                }
                schema::BUILTIN_RESHAPE => Op::Reshape { input: input(0)? },
                schema::BUILTIN_CONCATENATION => {
                    if relu(&options, code)? {
                        return Err(ModelError::Unsupported("concatenation activation".into()));
                    }
                    let rank = shape(out)?.len() as i32;
                    let axis = options.axis()?;
                    let axis = if axis < 0 { axis + rank } else { axis };
                    if !(0..rank).contains(&axis) {
                        return Err(Malformed.into());
                    }
                    Op::Concat {
                        inputs: inputs.clone(),
                        axis: axis as usize,
                    }
                }
                other => return Err(ModelError::Unsupported(format!("operator {other}"))),
            };
            ops.push(Step {
                op: resolved,
                output: out,
                shape: shape(out)?,
            });
        }
        let input = *graph.inputs()?.first().ok_or(Malformed)?;
        let input = usize::try_from(input).map_err(|_| Malformed)?;
        let outputs: Vec<usize> = graph
            .outputs()?
            .into_iter()
            .map(|o| usize::try_from(o).map_err(|_| Malformed))
            .collect::<Result<_, _>>()?;
        if ops
            .iter()
            .any(|s| s.op.inputs().iter().any(|&t| t >= tensors.len()))
            || input >= tensors.len()
            || outputs.iter().any(|&o| o >= tensors.len())
        {
            return Err(Malformed.into());
        }
        Ok(Graph {
            ops,
            input: (input, shape(input)?),
            outputs,
            tensors: tensors.len(),
        })
    }

    /// Runs the graph on `input` (the input shape's element count) and
    /// returns its outputs in the model's order. Each intermediate tensor's
    /// memory is reused once its last reader has run.
    pub fn run(&self, input: Vec<f32>) -> Vec<Tensor> {
        let mut values: Vec<Tensor> = vec![Tensor::default(); self.tensors];
        values[self.input.0] = Tensor {
            shape: self.input.1.clone(),
            data: input,
        };
        let mut last_read = vec![usize::MAX; self.tensors];
        for (i, step) in self.ops.iter().enumerate() {
            for t in step.op.inputs() {
                last_read[t] = i;
            }
        }
        let mut spare: Vec<Vec<f32>> = Vec::new();
        for (i, Step { op, output, shape }) in self.ops.iter().enumerate() {
            let mut data = spare.pop().unwrap_or_default();
            execute_fast(op, &values, shape, &mut data);
            values[*output] = Tensor {
                shape: shape.clone(),
                data,
            };
            for t in op.inputs() {
                if last_read[t] == i && !self.outputs.contains(&t) {
                    spare.push(std::mem::take(&mut values[t].data));
                }
            }
        }
        self.outputs
            .iter()
            .map(|&o| std::mem::take(&mut values[o]))
            .collect()
    }
}

impl Op {
    /// The tensors the operation reads.
    fn inputs(&self) -> Vec<usize> {
        match self {
            Op::Conv { input, .. }
            | Op::Depthwise { input, .. }
            | Op::Relu { input }
            | Op::Prelu { input, .. }
            | Op::Pad { input, .. }
            | Op::MaxPool { input, .. }
            | Op::Reshape { input } => vec![*input],
            Op::Add { a, b, .. } => vec![*a, *b],
            Op::Concat { inputs, .. } => inputs.clone(),
        }
    }

    /// The operation's own ReLU flag, when it has one.
    fn relu_flag(&mut self) -> Option<&mut bool> {
        match self {
            Op::Conv { relu, .. } | Op::Depthwise { relu, .. } | Op::Add { relu, .. } => Some(relu),
            _ => None,
        }
    }
}

/// Fewer, larger steps computing the same: a ReLU whose input nothing else
/// reads becomes its producer's flag, and a padding of the last (channel)
/// dimension that only feeds an addition is done by the addition.
fn fuse(ops: Vec<Step>, outputs: &[usize]) -> Vec<Step> {
    let mut readers = std::collections::HashMap::<usize, usize>::new();
    for t in ops
        .iter()
        .flat_map(|step| step.op.inputs())
        .chain(outputs.iter().copied())
    {
        *readers.entry(t).or_default() += 1;
    }
    let only_read_once = |t: usize| readers.get(&t) == Some(&1);
    let mut fused: Vec<Option<Step>> = Vec::with_capacity(ops.len());
    let mut producer = std::collections::HashMap::<usize, usize>::new();
    for mut step in ops {
        if let Op::Relu { input } = step.op {
            if let Some(&at) = producer.get(&input).filter(|_| only_read_once(input)) {
                if let Some(made) = fused[at].as_mut() {
                    if let Some(flag @ false) = made.op.relu_flag() {
                        *flag = true;
                        made.output = step.output;
                        producer.insert(step.output, at);
                        continue;
                    }
                }
            }
        }
        if let Op::Add { a, b, .. } = &mut step.op {
            for operand in [a, b] {
                let Some(&at) = producer.get(operand).filter(|_| only_read_once(*operand)) else {
                    continue;
                };
                if let Some(Step {
                    op: Op::Pad { input, pads },
                    ..
                }) = &fused[at]
                {
                    let (last, rest) = pads.split_last().unwrap_or((&(0, 0), &[]));
                    if last.0 == 0 && rest.iter().all(|&p| p == (0, 0)) {
                        *operand = *input;
                        fused[at] = None;
                    }
                }
            }
        }
        producer.insert(step.output, fused.len());
        fused.push(Some(step));
    }
    fused.into_iter().flatten().collect()
}

/// (before padding, output size) of a window sweep.
fn window(size: usize, k: usize, stride: usize, padding: Padding, out: usize) -> usize {
    match padding {
        Padding::Valid => 0,
        Padding::Same => ((out - 1) * stride + k).saturating_sub(size) / 2,
    }
}

/// The input's height, width and channels, and the padding before its
/// first row and column, of a window sweep producing `oh` × `ow`.
fn sweep(
    x: &Tensor,
    (kh, kw): (usize, usize),
    stride: usize,
    padding: Padding,
    (oh, ow): (usize, usize),
) -> ((usize, usize, usize), (usize, usize)) {
    let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3]);
    let pad = (
        window(h, kh, stride, padding, oh),
        window(w, kw, stride, padding, ow),
    );
    ((h, w, c), pad)
}

/// The kernel taps of output pixel `(oy, ox)` that fall inside the input,
/// as (tap index `ky * kw + kx`, input pixel index `iy * w + ix`): the
/// window sweep every windowed operation shares.
fn taps(
    (oy, ox): (usize, usize),
    (kh, kw): (usize, usize),
    stride: usize,
    (py, px): (usize, usize),
    (h, w): (usize, usize),
) -> impl Iterator<Item = (usize, usize)> {
    (0..kh).flat_map(move |ky| {
        let iy = (oy * stride + ky) as isize - py as isize;
        (0..kw).filter_map(move |kx| {
            let ix = (ox * stride + kx) as isize - px as isize;
            let inside = iy >= 0 && ix >= 0 && iy < h as isize && ix < w as isize;
            inside.then(|| (ky * kw + kx, iy as usize * w + ix as usize))
        })
    })
}

/// `c += a × b` for row-major matrices of `m × k`, `k × n` and `m × n`,
/// by `matrixmultiply`'s kernels (chosen for the CPU at run time).
fn multiply_add(a: &[f32], b: &[f32], c: &mut [f32], (m, k, n): (usize, usize, usize)) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    // SAFETY: the three slices hold at least the elements the row-major
    // strides given address (checked above), and `c` does not alias them.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            b.as_ptr(),
            n as isize,
            1,
            1.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// [`execute`] compiled for AVX2 and FMA where the CPU has them (the loops
/// are written to vectorise; phones' aarch64 has NEON as its baseline).
fn execute_fast(op: &Op, v: &[Tensor], out_shape: &[usize], out: &mut Vec<f32>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports the features the function is compiled for.
        return unsafe { execute_avx2(op, v, out_shape, out) };
    }
    execute(op, v, out_shape, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn execute_avx2(op: &Op, v: &[Tensor], out_shape: &[usize], out: &mut Vec<f32>) {
    execute(op, v, out_shape, out)
}

/// Computes `op` into `out` (any previous contents are discarded).
#[inline(always)]
fn execute(op: &Op, v: &[Tensor], out_shape: &[usize], out: &mut Vec<f32>) {
    let (oh, ow) = (
        out_shape.get(1).copied().unwrap_or(1),
        out_shape.get(2).copied().unwrap_or(1),
    );
    out.clear();
    match op {
        Op::Conv {
            input,
            weights,
            bias,
            k: (kh, kw),
            cin,
            cout,
            stride,
            padding,
            relu,
        } => {
            let x = &v[*input];
            let ((h, w, _), (py, px)) = sweep(x, (*kh, *kw), *stride, *padding, (oh, ow));
            out.extend(bias.iter().copied().cycle().take(oh * ow * cout));
            let depth = kh * kw * cin;
            if depth == *cin && *stride == 1 && oh == h && ow == w {
                // A 1 × 1 convolution: the input's pixels are the rows.
                multiply_add(&x.data, weights, out, (oh * ow, depth, *cout));
            } else {
                // One output row at a time, each pixel's receptive field
                // laid out as a row of a small matrix that stays in cache.
                let mut patches = vec![0.0f32; ow * depth];
                for oy in 0..oh {
                    patches.fill(0.0);
                    for ox in 0..ow {
                        let row = &mut patches[ox * depth..][..depth];
                        for (tap, at) in taps((oy, ox), (*kh, *kw), *stride, (py, px), (h, w)) {
                            row[tap * cin..][..*cin].copy_from_slice(&x.data[at * cin..][..*cin]);
                        }
                    }
                    let rows = &mut out[oy * ow * cout..][..ow * cout];
                    multiply_add(&patches, weights, rows, (ow, depth, *cout));
                }
            }
            if *relu {
                out.iter_mut().for_each(|a| *a = a.max(0.0));
            }
        }
        Op::Depthwise {
            input,
            weights,
            bias,
            k: (kh, kw),
            stride,
            padding,
            relu,
        } => {
            let x = &v[*input];
            let ((h, w, c), (py, px)) = sweep(x, (*kh, *kw), *stride, *padding, (oh, ow));
            out.extend(bias.iter().copied().cycle().take(oh * ow * c));
            for oy in 0..oh {
                for ox in 0..ow {
                    let acc = &mut out[(oy * ow + ox) * c..][..c];
                    for (tap, at) in taps((oy, ox), (*kh, *kw), *stride, (py, px), (h, w)) {
                        let pixel = &x.data[at * c..][..c];
                        let weight = &weights[tap * c..][..c];
                        for ((a, &p), &t) in acc.iter_mut().zip(pixel).zip(weight) {
                            *a += p * t;
                        }
                    }
                    if *relu {
                        acc.iter_mut().for_each(|a| *a = a.max(0.0));
                    }
                }
            }
        }
        Op::Add { a, b, relu } => {
            // Either operand may have fewer channels than the sum (a fused
            // zero padding of its last dimension).
            let c = out_shape.last().copied().unwrap_or(1).max(1);
            let pixels = out_shape.iter().product::<usize>() / c;
            out.resize(pixels * c, 0.0);
            for t in [&v[*a], &v[*b]] {
                let tc = t.shape.last().copied().unwrap_or(1).max(1);
                for (sum, part) in out.chunks_exact_mut(c).zip(t.data.chunks_exact(tc)) {
                    for (s, &p) in sum.iter_mut().zip(part) {
                        *s += p;
                    }
                }
            }
            if *relu {
                out.iter_mut().for_each(|a| *a = a.max(0.0));
            }
        }
        Op::Relu { input } => out.extend(v[*input].data.iter().map(|x| x.max(0.0))),
        Op::Prelu { input, slopes } => {
            for pixel in v[*input].data.chunks_exact(slopes.len()) {
                out.extend(
                    pixel
                        .iter()
                        .zip(slopes)
                        .map(|(&x, &a)| if x < 0.0 { x * a } else { x }),
                );
            }
        }
        Op::Pad { input, pads } => {
            let x = &v[*input];
            out.resize(out_shape.iter().product(), 0.0);
            let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3]);
            let (pt, pl, pc) = (pads[1].0, pads[2].0, pads[3].0);
            let oc = out_shape[3];
            for y in 0..h {
                for xx in 0..w {
                    let src = &x.data[(y * w + xx) * c..][..c];
                    let at = ((y + pt) * ow + xx + pl) * oc + pc;
                    out[at..at + c].copy_from_slice(src);
                }
            }
        }
        Op::MaxPool {
            input,
            k: (kh, kw),
            stride,
            padding,
        } => {
            let x = &v[*input];
            let ((h, w, c), (py, px)) = sweep(x, (*kh, *kw), *stride, *padding, (oh, ow));
            out.resize(oh * ow * c, f32::MIN);
            for oy in 0..oh {
                for ox in 0..ow {
                    let acc = &mut out[(oy * ow + ox) * c..][..c];
                    for (_, at) in taps((oy, ox), (*kh, *kw), *stride, (py, px), (h, w)) {
                        for (a, &p) in acc.iter_mut().zip(&x.data[at * c..][..c]) {
                            *a = a.max(p);
                        }
                    }
                }
            }
        }
        Op::Reshape { input } => out.extend_from_slice(&v[*input].data),
        Op::Concat { inputs, axis } => {
            let outer: usize = out_shape[..*axis].iter().product();
            for o in 0..outer {
                for &i in inputs {
                    let t = &v[i];
                    let chunk: usize = t.shape[*axis..].iter().product();
                    out.extend_from_slice(&t.data[o * chunk..][..chunk]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_decode() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0000), 0.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!((f16_to_f32(0x0001) - 5.96e-8).abs() < 1e-9);
    }

    #[test]
    fn fused_operations_compute_what_the_model_lists() {
        let model = include_bytes!("../../../data/face_detection_short_range.tflite");
        let (listed, fused) = (Graph::parse(model).unwrap(), Graph::load(model).unwrap());
        // BlazeFace's ReLUs and channel paddings all fold into other steps.
        let count = |g: &Graph, f: fn(&Op) -> bool| g.ops.iter().filter(|s| f(&s.op)).count();
        let relu_or_pad = |op: &Op| matches!(op, Op::Relu { .. } | Op::Pad { .. });
        assert!(count(&listed, relu_or_pad) > 20);
        assert_eq!(count(&fused, relu_or_pad), 0);
        let mut seed = 7u32;
        let input: Vec<f32> = (0..128 * 128 * 3)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1 << 23) as f32 - 1.0
            })
            .collect();
        let (a, b) = (listed.run(input.clone()), fused.run(input));
        assert_eq!(a.len(), 2);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.shape, y.shape);
            let worst = x
                .data
                .iter()
                .zip(&y.data)
                .map(|(p, q)| (p - q).abs())
                .fold(0.0, f32::max);
            assert!(worst < 1e-4, "{worst}");
        }
    }

    /// Inputs for the golden test, `side` × `side` RGB: the demo's portrait
    /// (a real face, values scaled by `scale` as the model expects), a
    /// smooth gradient and uniform noise in [-1, 1].
    fn golden_inputs(side: u32, scale: fn(u8) -> f32) -> Vec<(&'static str, Vec<f32>)> {
        let portrait =
            image::load_from_memory(include_bytes!("../../../../cli/data/demo-portrait.jpg"))
                .unwrap()
                .resize_exact(side, side, image::imageops::FilterType::Triangle)
                .to_rgb8();
        let face = portrait.as_raw().iter().map(|&v| scale(v)).collect();
        let n = (side * side * 3) as usize;
        let s = side as usize;
        let gradient = (0..n)
            .map(|i| ((i / 3) % s) as f32 / (s / 2) as f32 - 1.0 + (i % 3) as f32 * 0.1)
            .collect();
        let mut seed = 11u32;
        let noise = (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1 << 23) as f32 - 1.0
            })
            .collect();
        vec![("portrait", face), ("gradient", gradient), ("noise", noise)]
    }

    /// The outputs the reference runtime computes, by tensor index.
    fn reference_outputs(python: &str, model: &str, input: &[f32]) -> Vec<(usize, Vec<f32>)> {
        // One directory per model: the golden tests run in parallel.
        let stem = std::path::Path::new(model)
            .file_stem()
            .unwrap()
            .to_string_lossy();
        let dir =
            std::env::temp_dir().join(format!("icp-tflite-golden-{}-{stem}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (source, target) = (dir.join("input.f32"), dir.join("output.bin"));
        let bytes: Vec<u8> = input.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(&source, bytes).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/tflite_run.py");
        let status = std::process::Command::new(python)
            .args([script, model])
            .arg(&source)
            .arg(&target)
            .status()
            .unwrap();
        assert!(status.success(), "the reference runtime failed: {status}");
        let raw = std::fs::read(&target).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let word = |at: usize| u32::from_le_bytes(raw[at..at + 4].try_into().unwrap()) as usize;
        let mut outputs = Vec::new();
        let mut at = 0;
        while at < raw.len() {
            let (index, len) = (word(at), word(at + 4));
            let values = raw[at + 8..at + 8 + 4 * len]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                .collect();
            outputs.push((index, values));
            at += 8 + 4 * len;
        }
        outputs
    }

    /// Runs `model` (in `rust-core/data/`) here and in the reference
    /// runtime on the golden inputs and compares every output.
    fn matches_the_reference(model: &str, side: u32, scale: fn(u8) -> f32) {
        let python = std::env::var("ICP_TFLITE_PYTHON")
            .expect("ICP_TFLITE_PYTHON: a Python with tflite-runtime (tests/setup-deps.sh)");
        let model = format!("{}/data/{model}", env!("CARGO_MANIFEST_DIR"));
        let graph = Graph::load(&std::fs::read(&model).unwrap()).unwrap();
        for (name, input) in golden_inputs(side, scale) {
            let ours = graph.run(input.clone());
            let reference = reference_outputs(&python, &model, &input);
            assert_eq!(reference.len(), ours.len(), "{name}: outputs");
            for (&index, got) in graph.outputs.iter().zip(&ours) {
                let (_, expected) = reference
                    .iter()
                    .find(|(i, _)| *i == index)
                    .unwrap_or_else(|| panic!("{name}: the reference has no tensor {index}"));
                assert_eq!(
                    expected.len(),
                    got.data.len(),
                    "{name}: tensor {index} size"
                );
                // Float32 all the way in both; only the order of the sums
                // differs (XNNPACK's kernels against matrixmultiply's).
                let scale = expected.iter().fold(1.0f32, |m, v| m.max(v.abs()));
                let worst = expected
                    .iter()
                    .zip(&got.data)
                    .map(|(e, g)| (e - g).abs())
                    .fold(0.0, f32::max);
                assert!(
                    worst <= 1e-4 * scale,
                    "{name}: tensor {index} differs by {worst} (largest value {scale})"
                );
            }
        }
    }

    #[test]
    #[ignore = "needs the reference TensorFlow Lite runtime: tests/setup-deps.sh sets ICP_TFLITE_PYTHON"]
    fn blazeface_matches_the_reference_tflite_runtime() {
        matches_the_reference("face_detection_short_range.tflite", 128, |v| {
            v as f32 / 127.5 - 1.0
        });
    }

    #[test]
    #[ignore = "needs the reference TensorFlow Lite runtime: tests/setup-deps.sh sets ICP_TFLITE_PYTHON"]
    fn face_landmarks_match_the_reference_tflite_runtime() {
        matches_the_reference("face_landmark.tflite", 192, |v| v as f32 / 255.0);
    }

    #[test]
    fn damaged_models_are_errors() {
        assert_eq!(Graph::load(&[]).unwrap_err(), ModelError::Malformed);
        assert_eq!(
            Graph::load(&[8, 0, 0, 0, 1, 2]).unwrap_err(),
            ModelError::Malformed
        );
        assert!(Graph::load(&[0xff; 64]).is_err());
    }
}
