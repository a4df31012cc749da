using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution;

/// <summary>Sees every model input and every node output as an executor produces it (calibration hooks in here).</summary>
public interface ITensorObserver
{
    /// <summary><paramref name="values"/> holds <paramref name="batch"/> samples of <paramref name="tensor"/>; valid only during the call.</summary>
    void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch);
}
