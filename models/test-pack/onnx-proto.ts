import { ModelProtoType as ModelProto } from '../onnx-graph/onnx-schema.ts';

// The test packs are written with the same onnx.proto descriptor that reads and rewrites real
// exports (models/onnx-graph), so a field number can never differ between what we build and
// what we parse.

/** onnx.TensorProto.DataType values. */
export const ONNX_DTYPE = { float32: 1, int32: 6, int64: 7, float16: 10 } as const;
export type OnnxDtype = keyof typeof ONNX_DTYPE;

/** onnx.AttributeProto.AttributeType values. */
export const ATTR_TYPE = { float: 1, int: 2, tensor: 4, floats: 6, ints: 7 } as const;

export interface TensorMsg {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}
export interface AttributeMsg {
  name: string;
  type: number;
  f?: number;
  i?: number;
  t?: TensorMsg;
  floats?: number[];
  ints?: number[];
}
export interface NodeMsg {
  opType: string;
  name: string;
  input: string[];
  output: string[];
  attribute: AttributeMsg[];
}
export interface ValueInfoMsg {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: Array<{ dimValue: number } | { dimParam: string }> } } };
}
export interface GraphMsg {
  name: string;
  node: NodeMsg[];
  initializer: TensorMsg[];
  input: ValueInfoMsg[];
  output: ValueInfoMsg[];
}

/** IR 8 / opset 17: supported by every onnxruntime ≥ 1.14 and by the Optimum SDXL exports. */
export function encodeModel(graph: GraphMsg, docString: string): Uint8Array {
  const msg = ModelProto.fromObject({
    irVersion: 8,
    producerName: 'assetql-test-pack',
    producerVersion: '1',
    docString,
    graph,
    opsetImport: [{ domain: '', version: 17 }],
  });
  return ModelProto.encode(msg).finish();
}
