"""Runs a TensorFlow Lite model with the reference runtime (PyPI
tflite-runtime) for the CNN golden test in rust-core/src/inspect/cnn/graph.rs.

Usage: tflite_run.py MODEL INPUT OUTPUT. INPUT holds little-endian f32
values (the model's input shape); OUTPUT receives, for every output tensor,
its tensor index and element count (u32 each), then its f32 values.
"""
import struct
import sys

import numpy as np
import tflite_runtime.interpreter as tflite

model, source, target = sys.argv[1:4]
interpreter = tflite.Interpreter(model_path=model, num_threads=1)
interpreter.allocate_tensors()
detail = interpreter.get_input_details()[0]
data = np.fromfile(source, dtype="<f4").reshape(detail["shape"])
interpreter.set_tensor(detail["index"], data)
interpreter.invoke()
with open(target, "wb") as out:
    for o in interpreter.get_output_details():
        values = interpreter.get_tensor(o["index"]).astype("<f4").ravel()
        out.write(struct.pack("<II", o["index"], values.size))
        out.write(values.tobytes())
