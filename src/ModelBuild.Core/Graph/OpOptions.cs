namespace ModelBuild.Core.Graph;

public enum Padding
{
    Same,
    Valid,
}

/// <summary>Activation fused into the op that produces a tensor (TFLite's ActivationFunctionType subset).</summary>
public enum FusedActivation
{
    None,
    Relu,
    ReluN1To1,
    Relu6,
}

/// <summary>Base of per-op options; ops without options carry null.</summary>
public abstract record OpOptions;

public sealed record Conv2DOptions(
    Padding Padding, int StrideH, int StrideW, int DilationH = 1, int DilationW = 1,
    FusedActivation Activation = FusedActivation.None) : OpOptions;

public sealed record DepthwiseConv2DOptions(
    Padding Padding, int StrideH, int StrideW, int DepthMultiplier, int DilationH = 1, int DilationW = 1,
    FusedActivation Activation = FusedActivation.None) : OpOptions;

/// <summary>FULLY_CONNECTED: input is flattened to [batch, in] unless <see cref="KeepNumDims"/>.</summary>
public sealed record FullyConnectedOptions(FusedActivation Activation = FusedActivation.None, bool KeepNumDims = false) : OpOptions;

public sealed record ElementwiseOptions(FusedActivation Activation = FusedActivation.None) : OpOptions;

public sealed record ConcatenationOptions(int Axis, FusedActivation Activation = FusedActivation.None) : OpOptions;

public sealed record Pool2DOptions(
    Padding Padding, int StrideH, int StrideW, int FilterH, int FilterW,
    FusedActivation Activation = FusedActivation.None) : OpOptions;

public sealed record ReducerOptions(bool KeepDims) : OpOptions;

public sealed record ReshapeOptions(int[] NewShape) : OpOptions;

public sealed record SoftmaxOptions(float Beta = 1f) : OpOptions;

public sealed record LeakyReluOptions(float Alpha) : OpOptions;

/// <summary>TRANSPOSE_CONV as TFLite 2.9 knows it: no dilation, no fused activation.</summary>
public sealed record TransposeConvOptions(Padding Padding, int StrideH, int StrideW) : OpOptions;

public sealed record ResizeOptions(bool AlignCorners = false, bool HalfPixelCenters = false) : OpOptions;
