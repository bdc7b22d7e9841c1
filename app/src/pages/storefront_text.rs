//! The storefront's words in each of its languages (English, Arabic). Staff-written content (names,
//! descriptions) is shown as written; these are the storefront's own labels.

/// Every label a storefront page shows.
pub struct Text {
    pub shop: &'static str,
    pub cart: &'static str,
    pub powered_by: &'static str,
    pub follow: &'static str,
    pub contact: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_to_shop: &'static str,
    pub all_items: &'static str,
    pub catalog_empty_title: &'static str,
    pub catalog_empty_body: &'static str,
    pub product: &'static str,
    pub service: &'static str,
    pub campaign: &'static str,
    pub view: &'static str,
    pub donate_or_pledge: &'static str,
    pub raised: &'static str,
    pub raised_of: &'static str,
    pub quantity: &'static str,
    pub add_to_cart: &'static str,
    pub donate_now: &'static str,
    pub suggested_amounts: &'static str,
    pub amount: &'static str,
    pub another_amount: &'static str,
    pub smallest_donation: &'static str,
    pub your_name: &'static str,
    pub email: &'static str,
    pub donate: &'static str,
    pub pledge_for_later: &'static str,
    pub give_by: &'static str,
    pub pledge: &'static str,
    pub your_cart: &'static str,
    pub cart_empty: &'static str,
    pub browse: &'static str,
    pub item: &'static str,
    pub price: &'static str,
    pub total: &'static str,
    pub update: &'static str,
    pub quantity_of: &'static str,
    pub checkout: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    pub note: &'static str,
    pub optional: &'static str,
    pub place_order: &'static str,
    pub thank_you: &'static str,
    pub thanks_order: &'static str,
    pub thanks_donation: &'static str,
    pub thanks_pledge: &'static str,
    pub reference: &'static str,
    pub title_cart: &'static str,
    pub title_thanks: &'static str,
    pub title_not_found: &'static str,
    pub images: &'static str,
}

pub const EN: Text = Text {
    shop: "Shop",
    cart: "Cart",
    powered_by: "Powered by",
    follow: "Follow us",
    contact: "Contact",
    not_found_title: "Page not found",
    not_found_body: "There is nothing at this address.",
    back_to_shop: "Back to the shop",
    all_items: "← All items",
    catalog_empty_title: "The catalog is being prepared",
    catalog_empty_body: "Products, services and donation campaigns will appear here as soon as they are published.",
    product: "Product",
    service: "Service",
    campaign: "Donation campaign",
    view: "View",
    donate_or_pledge: "Donate or pledge",
    raised: "raised",
    raised_of: "raised of",
    quantity: "Quantity",
    add_to_cart: "Add to cart",
    donate_now: "Donate now",
    suggested_amounts: "Suggested amounts",
    amount: "Amount",
    another_amount: "Another amount",
    smallest_donation: "The smallest donation is",
    your_name: "Your name",
    email: "Email",
    donate: "Donate",
    pledge_for_later: "Pledge for later",
    give_by: "I will give by",
    pledge: "Pledge",
    your_cart: "Your cart",
    cart_empty: "Your cart is empty",
    browse: "Browse the catalog",
    item: "Item",
    price: "Price",
    total: "Total",
    update: "Update",
    quantity_of: "Quantity of",
    checkout: "Checkout",
    name: "Name",
    phone: "Phone",
    note: "Note",
    optional: "(optional)",
    place_order: "Place order",
    thank_you: "Thank you!",
    thanks_order: "Your order is in. We will be in touch about delivery.",
    thanks_donation: "Your donation is recorded. Thank you for your support.",
    thanks_pledge: "Your pledge is recorded. We will remind you before the date.",
    reference: "Reference",
    title_cart: "Your cart",
    title_thanks: "Thank you",
    title_not_found: "Not found",
    images: "Images",
};

pub const AR: Text = Text {
    shop: "المتجر",
    cart: "السلة",
    powered_by: "مدعوم من",
    follow: "تابعونا",
    contact: "تواصل معنا",
    not_found_title: "الصفحة غير موجودة",
    not_found_body: "لا يوجد شيء على هذا العنوان.",
    back_to_shop: "العودة إلى المتجر",
    all_items: "→ كل المنتجات",
    catalog_empty_title: "الكتالوج قيد الإعداد",
    catalog_empty_body: "ستظهر المنتجات والخدمات وحملات التبرع هنا فور نشرها.",
    product: "منتج",
    service: "خدمة",
    campaign: "حملة تبرع",
    view: "عرض",
    donate_or_pledge: "تبرّع أو تعهّد",
    raised: "تم جمعه",
    raised_of: "تم جمعه من",
    quantity: "الكمية",
    add_to_cart: "أضف إلى السلة",
    donate_now: "تبرّع الآن",
    suggested_amounts: "مبالغ مقترحة",
    amount: "المبلغ",
    another_amount: "مبلغ آخر",
    smallest_donation: "أقل مبلغ للتبرع هو",
    your_name: "اسمك",
    email: "البريد الإلكتروني",
    donate: "تبرّع",
    pledge_for_later: "تعهّد بالتبرع لاحقاً",
    give_by: "سأتبرع بحلول",
    pledge: "تعهّد",
    your_cart: "سلتك",
    cart_empty: "سلتك فارغة",
    browse: "تصفح الكتالوج",
    item: "المنتج",
    price: "السعر",
    total: "المجموع",
    update: "تحديث",
    quantity_of: "كمية",
    checkout: "إتمام الطلب",
    name: "الاسم",
    phone: "الهاتف",
    note: "ملاحظة",
    optional: "(اختياري)",
    place_order: "أرسل الطلب",
    thank_you: "شكراً لك!",
    thanks_order: "تم استلام طلبك. سنتواصل معك بشأن التوصيل.",
    thanks_donation: "تم تسجيل تبرعك. شكراً لدعمك.",
    thanks_pledge: "تم تسجيل تعهدك. سنذكّرك قبل الموعد.",
    reference: "الرقم المرجعي",
    title_cart: "سلتك",
    title_thanks: "شكراً لك",
    title_not_found: "غير موجود",
    images: "الصور",
};

/// The labels for a storefront language (English unless Arabic).
pub fn text(language: &str) -> &'static Text {
    if language == "ar" { &AR } else { &EN }
}

impl Text {
    /// The label of an item kind ("product", "service", "donation").
    pub fn kind(&self, kind: &str) -> &'static str {
        match kind {
            "service" => self.service,
            "donation" => self.campaign,
            _ => self.product,
        }
    }
}

/// The reasons the storefront's forms can be refused with, in Arabic (by the English text the core
/// gives). A reason not listed is shown in English after a general Arabic sentence.
const AR_REASONS: &[(&str, &str)] = &[
    (
        "Please give your name (up to 120 characters).",
        "يرجى كتابة اسمك (حتى 120 حرفاً).",
    ),
    (
        "Your name contains characters we cannot store.",
        "يحتوي اسمك على رموز لا يمكننا حفظها.",
    ),
    (
        "Enter a phone number with digits, spaces, + - ( ) only.",
        "اكتب رقم هاتف بالأرقام والمسافات و + - ( ) فقط.",
    ),
    (
        "The note is longer than 2,000 characters.",
        "الملاحظة أطول من 2000 حرف.",
    ),
    ("Your cart is empty.", "سلتك فارغة."),
    (
        "Quantities must be between 1 and 1,000.",
        "يجب أن تكون الكمية بين 1 و1000.",
    ),
    (
        "An item in your cart is no longer available. Remove it and try again.",
        "أحد المنتجات في سلتك لم يعد متاحاً. احذفه وحاول مرة أخرى.",
    ),
    (
        "This campaign is not accepting donations.",
        "هذه الحملة لا تستقبل تبرعات حالياً.",
    ),
    (
        "Choose the date you will fulfil the pledge by.",
        "اختر التاريخ الذي ستفي فيه بتعهدك.",
    ),
    (
        "The pledge date must be in the future.",
        "يجب أن يكون تاريخ التعهد في المستقبل.",
    ),
    ("Pledge an amount above zero.", "تعهّد بمبلغ أكبر من صفر."),
    ("Enter an amount such as 12.50.", "اكتب مبلغاً مثل 12.50."),
    (
        "The amount cannot be negative.",
        "لا يمكن أن يكون المبلغ سالباً.",
    ),
    (
        "Enter an email address such as name@example.com.",
        "اكتب بريداً إلكترونياً مثل name@example.com.",
    ),
    (
        "Choose a quantity between 1 and 1,000.",
        "اختر كمية بين 1 و1000.",
    ),
    (
        "We could not place your order just now. Please try again.",
        "تعذر إرسال طلبك الآن. يرجى المحاولة مرة أخرى.",
    ),
    (
        "We could not record that just now. Please try again.",
        "تعذر التسجيل الآن. يرجى المحاولة مرة أخرى.",
    ),
];

/// A form's refusal reason in the storefront's language.
pub fn reason(language: &str, english: &str) -> String {
    if language != "ar" {
        return english.to_string();
    }
    if let Some((_, ar)) = AR_REASONS.iter().find(|(en, _)| *en == english) {
        return (*ar).to_string();
    }
    if let Some(amount) = english
        .strip_prefix("The smallest donation is ")
        .and_then(|r| r.strip_suffix('.'))
    {
        return format!(
            "أقل مبلغ للتبرع هو {}.",
            cadence::money::localize_digits(amount, language)
        );
    }
    format!("تعذر إتمام ذلك: {english}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_reasons_read_in_arabic_on_an_arabic_storefront() {
        assert_eq!(reason("en", "Your cart is empty."), "Your cart is empty.");
        assert_eq!(reason("ar", "Your cart is empty."), "سلتك فارغة.");
        assert_eq!(
            reason("ar", "The smallest donation is 5.000 KWD."),
            "أقل مبلغ للتبرع هو ٥٫٠٠٠ KWD."
        );
        assert!(reason("ar", "Something new.").ends_with("Something new."));
    }
}
