import protobuf from 'protobufjs';

/**
 * A one-node ONNX model (Relu over float32[4]), written by hand so the provider probe needs no
 * fixture. Pure bytes (no runtime): the probe workers and main/'s CUDA runtime check (which runs
 * it in a child process) both use it.
 */
export function reluModel(): Uint8Array {
  const W = protobuf.Writer;
  const valueInfo = (name: string): Uint8Array => {
    const v = W.create();
    v.uint32(10).string(name); // ValueInfoProto.name
    v.uint32(18).fork(); // .type: TypeProto
    v.uint32(10).fork(); // .tensor_type
    v.uint32(8).int32(1); // elem_type FLOAT
    v.uint32(18).fork().uint32(10).fork().uint32(8).int64(4).ldelim().ldelim(); // shape [4]
    v.ldelim().ldelim();
    return v.finish();
  };
  const w = W.create();
  w.uint32(8).int64(8); // ir_version 8
  w.uint32(66).fork().uint32(10).string('').uint32(16).int64(13).ldelim(); // opset_import ai.onnx 13
  w.uint32(58).fork(); // graph
  w.uint32(10).fork().uint32(10).string('x').uint32(18).string('y').uint32(34).string('Relu').ldelim();
  w.uint32(18).string('provider-probe');
  w.uint32(90).bytes(valueInfo('x'));
  w.uint32(98).bytes(valueInfo('y'));
  w.ldelim();
  return w.finish();
}
