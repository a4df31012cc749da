using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution;

/// <summary>Several observers of one run: each tensor is shown to every observer, in the order given.</summary>
public sealed class TensorObserverSet(params ITensorObserver[] observers) : ITensorObserver
{
    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        foreach (var observer in observers) observer.Observe(tensor, values, batch);
    }
}
