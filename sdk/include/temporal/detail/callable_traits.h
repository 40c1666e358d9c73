// Internal: deduce the return and parameter types of a callable, so
// RegisterActivity (and later RegisterWorkflow) can decode arguments and encode
// results for any function, lambda or functor with one non-template operator().
#pragma once

#include <functional>
#include <tuple>
#include <type_traits>

namespace temporal::detail {

template <typename Signature>
struct SignatureTraits;

template <typename R, typename... Args>
struct SignatureTraits<R(Args...)> {
  using Return = R;
  using Parameters = std::tuple<Args...>;
  static constexpr std::size_t kArity = sizeof...(Args);
};

template <typename F, typename = void>
struct CallableTraits;

// Plain functions and function pointers.
template <typename R, typename... Args>
struct CallableTraits<R (*)(Args...)> : SignatureTraits<R(Args...)> {};
template <typename R, typename... Args>
struct CallableTraits<R(Args...)> : SignatureTraits<R(Args...)> {};

// Member call operators, for lambdas and functors.
template <typename C, typename R, typename... Args>
struct CallableTraits<R (C::*)(Args...)> : SignatureTraits<R(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableTraits<R (C::*)(Args...) const> : SignatureTraits<R(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableTraits<R (C::*)(Args...) noexcept> : SignatureTraits<R(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableTraits<R (C::*)(Args...) const noexcept> : SignatureTraits<R(Args...)> {};
template <typename R, typename... Args>
struct CallableTraits<R (*)(Args...) noexcept> : SignatureTraits<R(Args...)> {};

template <typename F>
struct CallableTraits<F, std::void_t<decltype(&F::operator())>>
    : CallableTraits<decltype(&F::operator())> {};

/// TupleTail drops the first element type of a tuple.
template <typename Tuple>
struct TupleTail;
template <>
struct TupleTail<std::tuple<>> {
  using type = std::tuple<>;
};
template <typename First, typename... Rest>
struct TupleTail<std::tuple<First, Rest...>> {
  using type = std::tuple<Rest...>;
};

/// DecayedTuple turns std::tuple<const T&, U&&> into std::tuple<T, U>.
template <typename Tuple>
struct DecayedTuple;
template <typename... Args>
struct DecayedTuple<std::tuple<Args...>> {
  using type = std::tuple<std::decay_t<Args>...>;
};

}  // namespace temporal::detail
