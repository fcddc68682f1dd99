//! The tables of the TensorFlow Lite schema (`tensorflow/lite/schema/schema.fbs`)
//! that the runtime reads, with their fields by name: each accessor holds
//! the field's slot (its position in the schema's declaration order) and
//! the schema's default, so the graph reader never addresses a bare slot.

use super::flatbuf::{Malformed, Table};

/// The model file's root table (`Model`).
#[derive(Clone, Copy)]
pub struct Model<'a>(Table<'a>);

/// An entry of the model's operator table (`OperatorCode`).
#[derive(Clone, Copy)]
pub struct OperatorCode<'a>(Table<'a>);

/// One graph of the model (`SubGraph`).
#[derive(Clone, Copy)]
pub struct SubGraph<'a>(Table<'a>);

/// A tensor's declaration (`Tensor`).
#[derive(Clone, Copy)]
pub struct TensorDecl<'a>(Table<'a>);

/// A constant's bytes (`Buffer`).
#[derive(Clone, Copy)]
pub struct Buffer<'a>(Table<'a>);

/// One operation of a graph (`Operator`).
#[derive(Clone, Copy)]
pub struct Operator<'a>(Table<'a>);

/// An operator's builtin options, read as the table its operator code
/// names (`Conv2DOptions`, `DepthwiseConv2DOptions`, `AddOptions`,
/// `Pool2DOptions`, `ConcatenationOptions`); absent options read as the
/// schema's defaults.
#[derive(Clone, Copy)]
pub struct Options<'a>(Option<Table<'a>>);

fn wrap<'a, T>(tables: Vec<Table<'a>>, f: fn(Table<'a>) -> T) -> Vec<T> {
    tables.into_iter().map(f).collect()
}

impl<'a> Model<'a> {
    /// The root table of a model file.
    pub fn root(buf: &'a [u8]) -> Result<Model<'a>, Malformed> {
        Table::root(buf).map(Model)
    }

    /// `operator_codes`: the operators the graphs refer to by index.
    pub fn operator_codes(&self) -> Result<Vec<OperatorCode<'a>>, Malformed> {
        Ok(wrap(self.0.tables(1)?, OperatorCode))
    }

    /// `subgraphs`: the first is the model's main graph.
    pub fn subgraphs(&self) -> Result<Vec<SubGraph<'a>>, Malformed> {
        Ok(wrap(self.0.tables(2)?, SubGraph))
    }

    /// `buffers`: constant data, referred to by tensors.
    pub fn buffers(&self) -> Result<Vec<Buffer<'a>>, Malformed> {
        Ok(wrap(self.0.tables(4)?, Buffer))
    }
}

impl OperatorCode<'_> {
    /// The builtin operator: the larger of `deprecated_builtin_code` (a
    /// byte, for old files) and `builtin_code`, as the schema prescribes.
    pub fn builtin(&self) -> Result<i32, Malformed> {
        Ok(self.0.i32(3, 0)?.max(i32::from(self.0.u8(0, 0)?)))
    }
}

impl<'a> SubGraph<'a> {
    /// `tensors`: every tensor the graph's operators read or write.
    pub fn tensors(&self) -> Result<Vec<TensorDecl<'a>>, Malformed> {
        Ok(wrap(self.0.tables(0)?, TensorDecl))
    }

    /// `inputs`: tensor indices of the graph's inputs.
    pub fn inputs(&self) -> Result<Vec<i32>, Malformed> {
        self.0.i32s(1)
    }

    /// `outputs`: tensor indices of the graph's outputs.
    pub fn outputs(&self) -> Result<Vec<i32>, Malformed> {
        self.0.i32s(2)
    }

    /// `operators`, in execution order.
    pub fn operators(&self) -> Result<Vec<Operator<'a>>, Malformed> {
        Ok(wrap(self.0.tables(3)?, Operator))
    }
}

impl<'a> TensorDecl<'a> {
    /// `shape`.
    pub fn shape(&self) -> Result<Vec<i32>, Malformed> {
        self.0.i32s(0)
    }

    /// `type` (`TensorType`; FLOAT32 when absent).
    pub fn element_type(&self) -> Result<u8, Malformed> {
        self.0.u8(1, TENSOR_FLOAT32)
    }

    /// `buffer`: index into the model's buffers (0 is the empty buffer).
    pub fn buffer(&self) -> Result<usize, Malformed> {
        usize::try_from(self.0.i32(2, 0)?).map_err(|_| Malformed)
    }
}

impl<'a> Buffer<'a> {
    /// `data` (empty for tensors computed at run time).
    pub fn data(&self) -> Result<&'a [u8], Malformed> {
        self.0.bytes(0)
    }
}

impl<'a> Operator<'a> {
    /// `opcode_index`: index into the model's operator codes.
    pub fn opcode_index(&self) -> Result<usize, Malformed> {
        usize::try_from(self.0.i32(0, 0)?).map_err(|_| Malformed)
    }

    /// `inputs`: tensor indices (-1 would be an omitted optional input).
    pub fn inputs(&self) -> Result<Vec<usize>, Malformed> {
        indices(self.0.i32s(1)?)
    }

    /// `outputs`: tensor indices.
    pub fn outputs(&self) -> Result<Vec<usize>, Malformed> {
        indices(self.0.i32s(2)?)
    }

    /// `builtin_options` (the union's value; its table type follows from
    /// the operator code).
    pub fn options(&self) -> Result<Options<'a>, Malformed> {
        self.0.table(4).map(Options)
    }
}

fn indices(raw: Vec<i32>) -> Result<Vec<usize>, Malformed> {
    raw.into_iter()
        .map(|i| usize::try_from(i).map_err(|_| Malformed))
        .collect()
}

impl Options<'_> {
    fn u8(&self, slot: usize, default: u8) -> Result<u8, Malformed> {
        self.0.map_or(Ok(default), |o| o.u8(slot, default))
    }

    fn i32(&self, slot: usize, default: i32) -> Result<i32, Malformed> {
        self.0.map_or(Ok(default), |o| o.i32(slot, default))
    }

    /// `padding` of Conv2D, DepthwiseConv2D and Pool2D options (SAME when
    /// absent).
    pub fn padding(&self) -> Result<u8, Malformed> {
        self.u8(0, PADDING_SAME)
    }

    /// `stride_w` and `stride_h` of Conv2D, DepthwiseConv2D and Pool2D
    /// options.
    pub fn strides(&self) -> Result<(i32, i32), Malformed> {
        Ok((self.i32(1, 1)?, self.i32(2, 1)?))
    }

    /// `dilation_w_factor` and `dilation_h_factor` of Conv2D options.
    pub fn conv_dilations(&self) -> Result<(i32, i32), Malformed> {
        Ok((self.i32(4, 1)?, self.i32(5, 1)?))
    }

    /// `dilation_w_factor` and `dilation_h_factor` of DepthwiseConv2D
    /// options.
    pub fn depthwise_dilations(&self) -> Result<(i32, i32), Malformed> {
        Ok((self.i32(5, 1)?, self.i32(6, 1)?))
    }

    /// `filter_width` and `filter_height` of Pool2D options.
    pub fn filter(&self) -> Result<(i32, i32), Malformed> {
        Ok((self.i32(3, 0)?, self.i32(4, 0)?))
    }

    /// `fused_activation_function` of each operator's options (the field
    /// sits at a different position in each table).
    pub fn activation(&self, operator: i32) -> Result<u8, Malformed> {
        let slot = match operator {
            BUILTIN_ADD => 0,
            BUILTIN_CONCATENATION => 1,
            BUILTIN_CONV_2D => 3,
            BUILTIN_DEPTHWISE_CONV_2D => 4,
            BUILTIN_MAX_POOL_2D => 5,
            _ => return Ok(ACTIVATION_NONE),
        };
        self.u8(slot, ACTIVATION_NONE)
    }

    /// `axis` of Concatenation options.
    pub fn axis(&self) -> Result<i32, Malformed> {
        self.i32(0, 0)
    }
}

/// `BuiltinOperator` values the runtime implements.
pub const BUILTIN_ADD: i32 = 0;
/// `BuiltinOperator.CONCATENATION`.
pub const BUILTIN_CONCATENATION: i32 = 2;
/// `BuiltinOperator.CONV_2D`.
pub const BUILTIN_CONV_2D: i32 = 3;
/// `BuiltinOperator.DEPTHWISE_CONV_2D`.
pub const BUILTIN_DEPTHWISE_CONV_2D: i32 = 4;
/// `BuiltinOperator.DEQUANTIZE` (float16 weights to float32).
pub const BUILTIN_DEQUANTIZE: i32 = 6;
/// `BuiltinOperator.MAX_POOL_2D`.
pub const BUILTIN_MAX_POOL_2D: i32 = 17;
/// `BuiltinOperator.RELU`.
pub const BUILTIN_RELU: i32 = 19;
/// `BuiltinOperator.RESHAPE`.
pub const BUILTIN_RESHAPE: i32 = 22;
/// `BuiltinOperator.PAD`.
pub const BUILTIN_PAD: i32 = 34;
/// `BuiltinOperator.PRELU`.
pub const BUILTIN_PRELU: i32 = 54;
/// `TensorType.FLOAT32`.
pub const TENSOR_FLOAT32: u8 = 0;
/// `TensorType.FLOAT16`.
pub const TENSOR_FLOAT16: u8 = 1;
/// `TensorType.INT32`.
pub const TENSOR_INT32: u8 = 2;
/// `Padding.SAME`.
pub const PADDING_SAME: u8 = 0;
/// `ActivationFunctionType.NONE`.
pub const ACTIVATION_NONE: u8 = 0;
/// `ActivationFunctionType.RELU`.
pub const ACTIVATION_RELU: u8 = 1;
