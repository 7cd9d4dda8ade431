//! What the demo catalog is made of: kinds of product, product lines and models,
//! colours, sizes, materials and brands, named in every language.

/// Products in the demo shop.
pub const DEMO_PRODUCTS: usize = 160;

pub(super) const LOCALES: [&str; 4] = ["en", "pt-BR", "es", "zh-CN"];

/// A leaf category and what its products are like.
pub(super) struct Kind {
    pub(super) category: &'static str,
    /// Drawn by `demo::images`.
    pub(super) shape: &'static str,
    pub(super) sku: &'static str,
    /// Product noun and its slug form, per locale (in `LOCALES` order).
    pub(super) noun: [(&'static str, &'static str); 4],
    pub(super) base_price: i64,
    pub(super) weight_grams: i32,
    pub(super) sizes: &'static [&'static str],
    pub(super) materials: &'static [&'static str],
}

pub(super) const CLOTHING_SIZES: &[&str] = &["s", "m", "l", "xl"];
pub(super) const SHOE_SIZES: &[&str] = &["39", "40", "41", "42", "43"];

pub(super) const KINDS: [Kind; 5] = [
    Kind {
        category: "t-shirts",
        shape: "tshirt",
        sku: "TS",
        noun: [
            ("T-shirt", "t-shirt"),
            ("Camiseta", "camiseta"),
            ("Camiseta", "camiseta"),
            ("T恤", "t-xu"),
        ],
        base_price: 19,
        weight_grams: 180,
        sizes: CLOTHING_SIZES,
        materials: &["cotton", "organic-cotton", "recycled-polyester"],
    },
    Kind {
        category: "jackets",
        shape: "jacket",
        sku: "JK",
        noun: [
            ("Jacket", "jacket"),
            ("Jaqueta", "jaqueta"),
            ("Chaqueta", "chaqueta"),
            ("夹克", "jia-ke"),
        ],
        base_price: 89,
        weight_grams: 900,
        sizes: CLOTHING_SIZES,
        materials: &["wool", "recycled-polyester", "leather"],
    },
    Kind {
        category: "sneakers",
        shape: "sneaker",
        sku: "SN",
        noun: [
            ("Sneakers", "sneakers"),
            ("Tênis", "tenis"),
            ("Zapatillas", "zapatillas"),
            ("运动鞋", "yun-dong-xie"),
        ],
        base_price: 69,
        weight_grams: 800,
        sizes: SHOE_SIZES,
        materials: &["canvas", "leather", "recycled-polyester"],
    },
    Kind {
        category: "boots",
        shape: "boot",
        sku: "BT",
        noun: [
            ("Boots", "boots"),
            ("Botas", "botas"),
            ("Botas", "botas"),
            ("靴子", "xue-zi"),
        ],
        base_price: 119,
        weight_grams: 1200,
        sizes: SHOE_SIZES,
        materials: &["leather", "suede"],
    },
    Kind {
        category: "mugs",
        shape: "mug",
        sku: "MG",
        noun: [
            ("Mug", "mug"),
            ("Caneca", "caneca"),
            ("Taza", "taza"),
            ("马克杯", "ma-ke-bei"),
        ],
        base_price: 12,
        weight_grams: 350,
        sizes: &[],
        materials: &["ceramic", "stoneware"],
    },
];

/// Product lines: brand-like names, the same in every language.
pub(super) const LINES: [&str; 8] = [
    "Aurora", "Borealis", "Cascade", "Dune", "Echo", "Fjord", "Glacier", "Harbor",
];

/// Models: (name, slug) per locale.
pub(super) const MODELS: [[(&str, &str); 4]; 4] = [
    [
        ("Classic", "classic"),
        ("Clássico", "classico"),
        ("Clásico", "clasico"),
        ("经典款", "jing-dian-kuan"),
    ],
    [
        ("Sport", "sport"),
        ("Esporte", "esporte"),
        ("Deporte", "deporte"),
        ("运动款", "yun-dong-kuan"),
    ],
    [
        ("Urban", "urban"),
        ("Urbano", "urbano"),
        ("Urbano", "urbano"),
        ("都市款", "du-shi-kuan"),
    ],
    [
        ("Trail", "trail"),
        ("Trilha", "trilha"),
        ("Sendero", "sendero"),
        ("户外款", "hu-wai-kuan"),
    ],
];

pub(super) const COLOURS: [(&str, [&str; 4]); 5] = [
    ("black", ["Black", "Preto", "Negro", "黑色"]),
    ("white", ["White", "Branco", "Blanco", "白色"]),
    ("navy", ["Navy", "Azul-marinho", "Azul marino", "藏青色"]),
    ("red", ["Red", "Vermelho", "Rojo", "红色"]),
    ("green", ["Green", "Verde", "Verde", "绿色"]),
];

pub(super) const MATERIALS: [(&str, [&str; 4]); 9] = [
    ("cotton", ["cotton", "algodão", "algodón", "棉"]),
    (
        "organic-cotton",
        [
            "organic cotton",
            "algodão orgânico",
            "algodón orgánico",
            "有机棉",
        ],
    ),
    (
        "recycled-polyester",
        [
            "recycled polyester",
            "poliéster reciclado",
            "poliéster reciclado",
            "再生涤纶",
        ],
    ),
    ("wool", ["wool", "lã", "lana", "羊毛"]),
    ("leather", ["leather", "couro", "cuero", "皮革"]),
    ("canvas", ["canvas", "lona", "lona", "帆布"]),
    ("suede", ["suede", "camurça", "ante", "麂皮"]),
    ("ceramic", ["ceramic", "cerâmica", "cerámica", "陶瓷"]),
    ("stoneware", ["stoneware", "grés", "gres", "炻器"]),
];

pub(super) const BRANDS: [&str; 4] = ["Northwind", "Lumen", "Terra", "Vela"];
