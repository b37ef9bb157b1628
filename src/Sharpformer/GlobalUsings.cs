// TensorPrimitives is used everywhere for element-wise kernels; the namespace itself is not imported because its
// Tensor type would clash with Sharpformer.Tensors.Tensor.
global using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
