//! `impl app::model::Hooks<AppState>`: each declared hook forwards to the user's `async fn`;
//! undeclared ones keep the trait's no-op default.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ir::Model;

/// A hook method forwarding to `path`; `mutable` for hooks that may change the row.
fn forward(name: &str, path: Option<&syn::Path>, mutable: bool) -> TokenStream {
    let Some(path) = path else {
        return quote! {};
    };
    let method = syn::Ident::new(name, path.span());
    let row = if mutable {
        quote! { &'a mut Self }
    } else {
        quote! { &'a Self }
    };
    // Spanned on the path, so a wrong signature is reported at the attribute.
    quote_spanned! {path.span()=>
        fn #method<'a>(
            ctx: &'a ::app::model::WriteContext<'a, ::app::state::AppState>,
            row: #row,
        ) -> impl ::std::future::Future<Output = ::app::model::HookResult> + ::std::marker::Send + 'a {
            #path(ctx, row)
        }
    }
}

pub fn expand(m: &Model) -> TokenStream {
    let ident = &m.ident;
    let h = &m.hooks;
    let in_tx = h.in_transaction();
    let methods = [
        forward("before_create", h.before_create.as_ref(), true),
        forward("after_create", h.after_create.as_ref(), false),
        forward("before_update", h.before_update.as_ref(), true),
        forward("after_update", h.after_update.as_ref(), false),
        forward("before_delete", h.before_delete.as_ref(), false),
        forward("after_delete", h.after_delete.as_ref(), false),
    ];
    let commit = h.after_commit.as_ref().map(|path| {
        quote_spanned! {path.span()=>
            fn after_commit<'a>(
                app: &'a ::app::state::AppState,
                action: ::app::model::Action,
                row: &'a Self,
            ) -> impl ::std::future::Future<Output = ()> + ::std::marker::Send + 'a {
                #path(app, action, row)
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl ::app::model::Hooks<::app::state::AppState> for #ident {
            const IN_TRANSACTION: bool = #in_tx;
            #(#methods)*
            #commit
        }
    }
}
